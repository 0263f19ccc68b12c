"""Sphinx configuration for sora's documentation (``tox -e docs``)."""

import glob
import os
import re

project = 'sora'
copyright = 'sora developers'
author = 'sora developers'

extensions = [
    'sphinx.ext.autodoc',
    # ``.. show-options::``: the option reference, read from the
    # oslo.config.opts entry points of the installed packages.
    'oslo_config.sphinxext',
    # Writes _static/sora.conf.sample with oslo-config-generator at build
    # time, so the sample page always matches the options.
    'oslo_config.sphinxconfiggen',
    # ``.. list-plugins::``: the installed plugins of a namespace.
    'stevedore.sphinxext',
]

_source_dir = os.path.dirname(os.path.abspath(__file__))
config_generator_config_file = [(
    os.path.join(_source_dir, '..', '..', 'etc', 'sora',
                 'sora-config-generator.conf'),
    '_static/sora')]

root_doc = 'index'
exclude_patterns = ['_build']
autodoc_member_order = 'bysource'
autodoc_typehints = 'description'

html_theme = 'alabaster'
html_static_path = ['_static']
html_theme_options = {
    'description': 'A host scheduler library for OpenStack-style services',
}

# The index collects the pages of these folders through glob patterns.
GUIDE_FOLDERS = ('user', 'admin', 'reference', 'contributor')


def _drop_empty_guides(app, docname, source):
    """Remove the index's toctree of a guide folder that has no pages.

    Sphinx warns about a glob pattern that matches nothing, sphinx-build -W
    turns that warning into an error, and Sphinx 9 offers no
    suppress_warnings entry for it. So the toctree goes before parsing.
    """
    if docname != root_doc:
        return
    for folder in GUIDE_FOLDERS:
        if glob.glob(os.path.join(app.srcdir, folder, '*.rst')):
            continue
        source[0] = re.sub(
            r'\.\. toctree::\n(?:   :[^\n]*\n)*\n   %s/\*\n' % folder, '',
            source[0])


def setup(app):
    app.connect('source-read', _drop_empty_guides)
