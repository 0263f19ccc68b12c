import setuptools

# pbr reads the package metadata from setup.cfg and the version from git.
setuptools.setup(setup_requires=['pbr'], pbr=True)
