"""Sphinx configuration for sora's release notes (``tox -e releasenotes``).

reno reads the notes in releasenotes/notes from the git history, so a
note appears here once it is committed.
"""

project = 'sora release notes'
copyright = 'sora developers'
author = 'sora developers'

extensions = ['reno.sphinxext']

root_doc = 'index'
exclude_patterns = ['_build']

html_theme = 'alabaster'
