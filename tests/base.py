"""Base test case for the sora unit and functional tests."""

import os

from oslotest import base

from tests import fixtures as sora_fixtures


class TestCase(base.BaseTestCase):
    """Test case with private configuration and empty stevedore caches.

    Each test gets ``self.conf``, a new ConfigOpts with the sora options
    registered and nothing parsed, and empty stevedore entry-point caches
    (see tests.fixtures.EntryPointCacheFixture). oslotest's BaseTestCase
    adds a temporary HOME, output and log capture, and the timeout set by
    $OS_TEST_TIMEOUT.
    """

    def setUp(self):
        super().setUp()
        self.useFixture(sora_fixtures.EntryPointCacheFixture())
        self._conf_fixture = self.useFixture(sora_fixtures.ConfFixture())
        self.conf = self._conf_fixture.conf

    def flags(self, group=None, **overrides):
        """Override options in self.conf for the rest of this test.

        ``group`` names the option group, and None means [DEFAULT]. The
        oslo.config fixture removes the overrides when the test ends.
        """
        self._conf_fixture.set_overrides(group=group, **overrides)

    def shared_data_path(self, *parts):
        """Return the path of a shared trace file, or skip the test.

        The folder comes from $SORA_SHARED_DATA, or else shared/data beside
        the repository. The test is skipped when the resulting path does
        not exist.
        """
        root = sora_fixtures.shared_data_dir()
        path = os.path.join(root, *parts)
        if os.path.exists(path):
            return path

        if os.environ.get(sora_fixtures.SHARED_DATA_ENV):
            reason = '%s not found (%s is %s)' % (
                path, sora_fixtures.SHARED_DATA_ENV, root)
        else:
            reason = ('shared trace data not found at %s. Set %s to the '
                      'folder that holds the trace files.' %
                      (path, sora_fixtures.SHARED_DATA_ENV))
        self.skipTest(reason)
