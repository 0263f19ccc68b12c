"""Build and install throwaway distributions that declare sora plugins."""

import os
import subprocess
import sys
import textwrap

import fixtures

PYPROJECT = """\
[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"
"""


class InstalledDistribution(fixtures.Fixture):
    """A real distribution installed into a temporary folder.

    ``modules`` maps each top-level module name to its source text, and
    the distribution's own setup.cfg declares ``entry_points``, a mapping
    of namespace to lines such as ``"least = my_module:LeastPolicy"``. pip
    builds and installs it with --target, so it is seen only by processes
    that put ``path`` on PYTHONPATH. Nothing is mocked: sora finds the
    entry points through importlib.metadata as for any installed package.
    """

    def __init__(self, name, modules, entry_points, version='1.0'):
        super().__init__()
        self.name = name
        self.modules = modules
        self.entry_points = entry_points
        self.version = version

    def _setUp(self):
        project = self.useFixture(fixtures.TempDir()).path
        self.path = self.useFixture(fixtures.TempDir()).path

        sections = []
        for namespace, lines in self.entry_points.items():
            sections.append('%s =\n%s' % (namespace, ''.join(
                '    %s\n' % line for line in lines)))
        setup_cfg = textwrap.dedent("""\
            [metadata]
            name = {name}
            version = {version}

            [options]
            py_modules =
            {modules}

            [options.entry_points]
            """).format(name=self.name, version=self.version,
                        modules='\n'.join('    ' + module
                                          for module in self.modules),
                        ) + ''.join(sections)

        files = {'pyproject.toml': PYPROJECT, 'setup.cfg': setup_cfg}
        for module, source in self.modules.items():
            files[module + '.py'] = textwrap.dedent(source)
        for filename, text in files.items():
            with open(os.path.join(project, filename), 'w',
                      encoding='utf-8') as stream:
                stream.write(text)

        # --no-build-isolation builds with the setuptools of this
        # environment, so no package index is needed.
        result = subprocess.run(
            [sys.executable, '-m', 'pip', 'install', '--quiet', '--no-deps',
             '--no-build-isolation', '--no-index', '--no-cache-dir',
             '--disable-pip-version-check', '--target', self.path, project],
            capture_output=True, text=True, timeout=300, check=False)
        if result.returncode:
            raise RuntimeError('pip could not install the test distribution '
                               '%s:\n%s%s' % (self.name, result.stdout,
                                              result.stderr))
