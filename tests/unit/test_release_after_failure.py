"""The claims of a request that fails part way are released and logged."""

import fixtures

from sora import exception
from sora.scheduler.request import RequestSpec
from tests import base
from tests import oslo_log_capture
from tests import placement


class ReleaseAfterFailureTest(base.TestCase):

    def setUp(self):
        super().setUp()
        # One host with room for one instance, so the second instance of
        # a request for two finds no host.
        self.manager = placement.manager(
            self, [placement.host('h1', memory_mb=4096)])
        self.request = RequestSpec(memory_mb=3000, num_instances=2)

    def test_first_claim_released(self):
        self.assertRaises(exception.NoValidHost,
                          self.manager.select_destinations, self.request)

        self.assertEqual([], self.manager.store.claims())

    def test_failed_release_warning_names_error_once(self):
        lines = self.useFixture(
            oslo_log_capture.OsloLogLines('sora.scheduler.manager'))
        # The in-process store always releases a claim it made, so a store
        # whose server stopped responding is stood in for by a mock.
        self.useFixture(fixtures.MockPatchObject(
            self.manager.store, 'release',
            side_effect=exception.StoreUnavailable(
                'etcd', ['127.0.0.1:2379'], 'releasing a claim',
                'connection refused')))

        self.assertRaises(exception.NoValidHost,
                          self.manager.select_destinations, self.request)

        warnings = lines.matching('Could not release claim')
        self.assertEqual(1, len(warnings), lines.stream.getvalue())
        # oslo.log appends the exception being handled, which would repeat
        # the release's error or add the request's NoValidHost.
        self.assertEqual(1, warnings[0].count('connection refused'),
                         warnings[0])
        self.assertNotIn('sora.exception', warnings[0])
