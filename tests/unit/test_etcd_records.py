"""Keys and JSON records of the etcd store; no server needed."""

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.selection import Claim
from sora.state.etcd import records
from tests import base


class KeysTest(base.TestCase):

    def test_prefix_gets_trailing_slash(self):
        keys = records.Keys('/site')

        self.assertEqual('/site/state/hosts/h1', keys.host('h1'))
        self.assertEqual('/site/state/usage/h1', keys.usage('h1'))
        self.assertEqual('/site/state/groups/web', keys.group('web'))
        self.assertEqual('/site/claims/c1', keys.claim('c1'))
        self.assertEqual('/site/state/', keys.state)

    def test_parse_names_with_slashes(self):
        keys = records.Keys('/site/')

        self.assertEqual((records.HOSTS, 'rack1/h1'),
                         keys.parse('/site/state/hosts/rack1/h1'))
        self.assertEqual((records.CLAIMS, 'c1'),
                         keys.parse('/site/claims/c1'))

    def test_parse_rejects_foreign_keys(self):
        keys = records.Keys('/site/')

        self.assertIsNone(keys.parse('/other/state/hosts/h1'))
        self.assertIsNone(keys.parse('/site/state/hosts/'))
        self.assertIsNone(keys.parse('/site/unknown/h1'))


class UsageTest(base.TestCase):

    def test_add_and_remove_claim(self):
        host = Host('h1', memory_mb=4096, vcpus_milli=4000, gpus=2,
                    memory_mb_used=100)
        usage = records.Usage.for_host(host, now=7.0)
        claim = Claim('c1', 'h1', 'r1', memory_mb=1024, vcpus_milli=500,
                      gpu_cards=(1,), gpu_milli=600)

        added = usage.add(claim, 1)
        removed = added.add(claim, -1)

        self.assertEqual({'memory_mb': 1024, 'vcpus_milli': 500,
                          'disk_gb': 0}, added.claimed)
        self.assertEqual([0, 600], added.gpu_used)
        self.assertEqual(1, added.instances)
        self.assertEqual(100, added.external['memory_mb'])
        self.assertEqual({'memory_mb': 0, 'vcpus_milli': 0, 'disk_gb': 0},
                         removed.claimed)
        self.assertEqual([0, 0], removed.gpu_used)
        self.assertEqual(0, removed.instances)
        # add() returns a new record and leaves the old one as it was.
        self.assertEqual(0, usage.instances)

    def test_encode_decode_round_trip(self):
        usage = records.Usage({'memory_mb': 1, 'vcpus_milli': 2,
                               'disk_gb': 3}, [4], 2,
                              {'memory_mb': 5, 'vcpus_milli': 6,
                               'disk_gb': 7}, 8.5)

        decoded = records.Usage.decode('k', usage.encode().encode())

        self.assertEqual(usage, decoded)

    def test_decode_counts_claim_id_list(self):
        # Usage records written before the count existed list claim ids.
        value = (b'{"claimed": {"memory_mb": 2048}, "claims": ["a", "b"], '
                 b'"external": {}, "gpu_used": [], "last_report": 1.0}')

        usage = records.Usage.decode('/p/state/usage/h1', value)

        self.assertEqual(2, usage.instances)
        self.assertEqual(2048, usage.claimed['memory_mb'])
        self.assertNotIn('claims', usage.encode())

    def test_decode_bad_json_names_key(self):
        error = self.assertRaises(exception.InvalidInventory,
                                  records.Usage.decode, '/p/state/usage/h1',
                                  b'{not json')

        self.assertIn('/p/state/usage/h1', str(error))
        self.assertIn('not valid JSON', str(error))

    def test_decode_wrong_shape_names_key(self):
        error = self.assertRaises(exception.InvalidInventory,
                                  records.Usage.decode, '/p/state/usage/h1',
                                  b'{"claimed": 5}')

        self.assertIn('/p/state/usage/h1', str(error))


class RecordTest(base.TestCase):

    def test_host_round_trip(self):
        host = Host('h1', memory_mb=10, vcpus_milli=1500, gpus=1,
                    gpu_model='V100M16', zone='az1', labels={'a': 'b'},
                    ram_allocation_ratio=1.5)

        decoded = records.decode_host(
            'k', records.encode_host(host).encode())

        self.assertEqual(host, decoded)

    def test_host_with_negative_memory_rejected(self):
        error = self.assertRaises(
            exception.InvalidInventory, records.decode_host,
            '/p/state/hosts/h1', b'{"name": "h1", "memory_mb": -1}')

        self.assertIn('memory_mb', str(error))

    def test_claim_round_trip(self):
        claim = Claim('c1', 'h1', 'r1', memory_mb=1, gpu_cards=(0, 1),
                      gpu_milli=1000, group='web')

        decoded = records.decode_claim(
            'k', records.encode_claim(claim).encode())

        self.assertEqual(claim, decoded)

    def test_group_round_trip(self):
        value = records.encode_group({'h1': 2, 'h2': 1})

        self.assertEqual({'h1': 2, 'h2': 1},
                         records.decode_group('k', value.encode()))
