"""Cases of invalid arguments passed to a state store's public methods.

A store is a plugin interface that a daemon may call directly, without the
manager's checks, so each store must reject these arguments itself with
InvalidArgument naming the argument, and change nothing.
"""

import numpy as np

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec

# Values that are not text. A list is unhashable, so a dict lookup or a set
# would raise TypeError on it.
NOT_TEXT = (['h1'], None, 5, b'h1')


def hosts():
    return [Host('h1', memory_mb=4096, vcpus_milli=4000, gpus=2),
            Host('h2', memory_mb=2048, vcpus_milli=2000)]


def cases(store):
    """Return (argument, call, args) for each invalid call on ``store``."""
    request = RequestSpec(memory_mb=10, group='g1')
    calls = []
    for value in NOT_TEXT:
        calls += [
            ('host', store.claim, (value, request)),
            ('claim_id', store.release, (value,)),
            ('name', store.remove_host, (value,)),
            ('name', store.report, (value,)),
            ('group', store.group_members, (value,)),
        ]
        if value is not None:
            # claims(None) lists the claims on every host.
            calls.append(('host', store.claims, (value,)))
    for value in (None, {'name': 'h1'}, 'h1'):
        calls += [
            ('request', store.claim, ('h1', value)),
            ('host', store.add_host, (value,)),
            ('host', store.update_host, (value,)),
            ('hosts', store.load, ([value],)),
        ]
    calls += [
        ('hosts', store.load, (None,)),
        ('force', store.remove_host, ('h1', 'no')),
        ('used', store.report, ('h1', ['memory_mb'])),
        ('used', store.report, ('h1', {'memory': 1})),
        ('used', store.report, ('h1', {'memory_mb': 'x'})),
        ('used', store.report, ('h1', {'memory_mb': True})),
        ('used', store.report, ('h1', {'memory_mb': -1})),
        ('at', store.report, ('h1', None, 'now')),
        ('at', store.report, ('h1', None, float('nan'))),
    ]
    return calls


def snapshot(store):
    """Return the store's hosts, free amounts and claims, to compare."""
    table = store.hosts
    return (list(table.names), table.memory_mb_free.tolist(),
            table.vcpus_milli_free.tolist(), table.last_report.tolist(),
            sorted(claim.claim_id for claim in store.claims()),
            store.group_members('g1'))


class StoreArgumentsMixin:
    """Checks every invalid call of ``cases()`` on ``self.store``.

    The test case sets ``self.store`` to a store holding ``hosts()``.
    """

    def test_invalid_arguments_rejected(self):
        self.store.claim('h1', RequestSpec(memory_mb=10, group='g1'))
        before = snapshot(self.store)

        for argument, call, args in cases(self.store):
            error = self.assertRaises(exception.InvalidArgument, call,
                                      *args)
            self.assertEqual(argument, error.argument,
                             (call.__name__, args))
            self.assertIn('Invalid value', str(error))

        self.assertEqual(before, snapshot(self.store))

    def test_valid_numpy_usage_accepted(self):
        self.store.report('h1', {'memory_mb': np.int64(96)}, np.int64(5))

        table = self.store.hosts
        row = table.row('h1')
        self.assertEqual(4000, table.memory_mb_free[row])
        self.assertEqual(5, table.last_report[row])
