"""The vectorised decision path picks what a per-host evaluation picks.

The manager filters and scores whole columns of the host table at once. A
plugin may also be written one host at a time (``host_passes`` and
``score_host``), and the two forms must agree. These tests build seeded
random inventories and requests and let the real manager decide with each
installed policy. Before each decision they compute the expected result
one host at a time: each filter's ``host_passes`` on each host's
``HostState``, one score per host, and a sort by score, then host name.
"""

import time

import numpy as np

from sora.drivers import base as driver_base
from sora import exception
from sora.filters import base as filter_base
from sora import plugins
from sora.scheduler.host import Host
from sora.scheduler import host_table as host_table_mod
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec
from tests import base

MODELS = ('V100M16', 'V100M32', 'T4', 'A10')
ZONES = ('', 'az1', 'az2')
LABEL_VALUES = {'rack': ('r1', 'r2', 'r3'), 'disk': ('ssd', 'hdd')}

INVENTORIES = 6
DECISIONS = 60
SEED = 20231


def random_host(rng, index):
    """Return a host with random capacity, usage, GPUs and attributes."""
    memory = int(rng.choice([0, 2048, 16384, 65536, 262144]))
    vcpus = int(rng.choice([0, 2000, 8000, 32000, 96000]))
    disk = int(rng.choice([0, 20, 500, 2000]))
    gpus = int(rng.choice([0, 0, 1, 2, 4, 8]))
    labels = {key: str(rng.choice(values))
              for key, values in LABEL_VALUES.items() if rng.random() < 0.5}

    def ratio():
        return None if rng.random() < 0.7 else float(
            rng.choice([0.5, 1.0, 1.5, 2.0, 16.0]))

    # Usage comes in a few steps so that many hosts tie on free amounts
    # and the tie-break by name decides.
    def used(total, steps):
        return int(total * float(rng.choice(steps)))

    return Host(
        name='host-%04d' % index,
        memory_mb=memory, vcpus_milli=vcpus, disk_gb=disk,
        memory_mb_used=used(memory, [0, 0, 0.25, 0.5, 0.9, 1.2]),
        vcpus_milli_used=used(vcpus, [0, 0.5, 0.75, 1.2]),
        disk_gb_used=used(disk, [0, 0.5, 0.95]),
        gpus=gpus, gpu_model=str(rng.choice(MODELS)) if gpus else '',
        zone=str(rng.choice(ZONES)), labels=labels,
        enabled=bool(rng.random() < 0.9),
        ram_allocation_ratio=ratio(), cpu_allocation_ratio=ratio(),
        disk_allocation_ratio=ratio())


def random_request(rng, host_names):
    """Return a request of random size and constraints."""
    gpus = int(rng.choice([0, 0, 0, 1, 1, 2, 4, 8]))
    gpu_milli = 1000
    if gpus == 1 and rng.random() < 0.6:
        gpu_milli = int(rng.choice([100, 250, 400, 500, 600, 999]))
    fields = {
        'memory_mb': int(rng.choice([0, 512, 2048, 8192, 65536])),
        'vcpus_milli': int(rng.choice([0, 250, 1000, 4000, 16000])),
        'disk_gb': int(rng.choice([0, 0, 10, 100])),
        'gpus': gpus,
        'gpu_milli': gpu_milli,
    }
    if gpus and rng.random() < 0.3:
        fields['gpu_models'] = frozenset(
            str(m) for m in rng.choice(MODELS, 2, replace=False))
    if rng.random() < 0.2:
        fields['availability_zone'] = str(rng.choice(['az1', 'az2']))
    if rng.random() < 0.2:
        fields['required_labels'] = {'rack': str(rng.choice(['r1', 'r2']))}
    if rng.random() < 0.2:
        fields['group'] = 'group-%d' % rng.integers(3)
        fields['group_policy'] = str(rng.choice(['affinity',
                                                 'anti-affinity']))
    if rng.random() < 0.1:
        fields['different_host'] = frozenset(
            str(n) for n in rng.choice(host_names, 3))
    return RequestSpec(**fields)


class PerHostReference:
    """The expected result from per-host filters, scores and a sort.

    ``score_hosts`` takes the table, the passing rows and the request and
    returns one score per row, computed one host at a time.
    """

    def __init__(self, manager, score_hosts):
        self.manager = manager
        self.score_hosts = score_hosts

    def _passes(self, host_filter, host, request, context):
        if type(host_filter).host_passes is filter_base.BaseFilter.host_passes:
            # A filter written only in the vectorised form has no per-host
            # method, so its column result is used for that host.
            mask = host_filter.filter_hosts(
                host.table, request, context, np.ones(len(host.table), bool))
            return bool(mask[host.row])
        return host_filter.host_passes(host, request, context)

    def decide(self, request):
        """Return the ranked host names, or the rejection counts."""
        store = self.manager.store
        table = store.hosts
        members = store.group_members(request.group) if request.group else {}
        context = filter_base.FilterContext(members, time.time())
        filters = self.manager.pipeline.filters

        passing = []
        reasons = {}
        for row in range(len(table)):
            host = table.host(row)
            for host_filter in filters:
                if not self._passes(host_filter, host, request, context):
                    reason = host_filter.rejection_reason(host, request,
                                                          context)
                    reasons[reason] = reasons.get(reason, 0) + 1
                    break
            else:
                passing.append(row)
        if not passing:
            return None, reasons

        scores = self.score_hosts(table, passing, request)
        scored = sorted((-float(score), row)
                        for score, row in zip(scores, passing))
        limit = self.manager.pipeline.settings.max_attempts
        return [table.names[row] for _score, row in scored[:limit]], reasons


def one_at_a_time(score_one):
    """Return a score_hosts function that calls ``score_one`` per host."""
    def score_hosts(table, rows, request):
        return [score_one(table, row, request) for row in rows]
    return score_hosts


def weighed_one_at_a_time(weighers):
    """Return the weighted sum of weighers, computed one host at a time.

    Each weigher's raw weights are scaled so that the lowest is 0 and the
    highest 1 (all 0 when they are equal), multiplied by the multiplier
    and added up, as sora.weighers.base documents.
    """
    def score_hosts(table, rows, request):
        totals = [0.0] * len(rows)
        for weigher, multiplier in weighers:
            if multiplier == 0:
                continue
            raw = [weigh_one(weigher, table, row, request) for row in rows]
            low, high = min(raw), max(raw)
            for i, value in enumerate(raw):
                scaled = 0.0 if high == low else (value - low) / (high - low)
                totals[i] += multiplier * scaled
        return totals
    return score_hosts


def weigh_one(weigher, table, row, request):
    """Return one host's raw weight, per host where the weigher can."""
    # Imported here because only policies that use weighers get here.
    from sora.weighers import base as weigher_base

    if type(weigher).weigh_host is not weigher_base.BaseWeigher.weigh_host:
        return float(weigher.weigh_host(table.host(row), request))
    return float(weigher.weigh_hosts(table, np.array([row]), request)[0])


def reference_scorer(name, driver, seed):
    """Return a per-host score_hosts function for policy ``name``.

    Return None for a policy that ranks hosts itself, since it has no
    scores to compare.
    """
    driver_type = type(driver)
    if name == 'random':
        # The random policy draws one number per candidate, in row order,
        # from a generator seeded with [scheduler] seed. A second generator
        # with the same seed draws the same numbers one at a time.
        rng = np.random.default_rng(seed)
        return one_at_a_time(lambda table, row, request: rng.random())
    if name == 'memory':
        return one_at_a_time(
            lambda table, row, request: table.host(row).free_memory_mb)
    if driver_type.score_host is not driver_base.SchedulerDriver.score_host:
        return one_at_a_time(lambda table, row, request: driver.score_host(
            table.host(row), request))
    if getattr(driver_type, 'uses_weighers', False):
        return weighed_one_at_a_time(driver.weighers)
    if driver_type.rank_hosts is not driver_base.SchedulerDriver.rank_hosts:
        return None
    # A policy with only the vectorised form, scored one row at a time. If
    # its scores depend on the other candidates, this test fails and the
    # policy needs its own per-host reference here.
    return one_at_a_time(lambda table, row, request: float(
        driver.score_hosts(table, np.array([row]), request)[0]))


class FastPathMatchesPerHostTest(base.TestCase):

    def _policies(self):
        return plugins.PluginSource(plugins.SCHEDULER_NAMESPACE).names()

    def _filters(self):
        return plugins.PluginSource(plugins.FILTER_NAMESPACE).names()

    def _check_policy(self, policy, enabled_filters, seed):
        rng = np.random.default_rng(seed)
        self.conf([])
        self.flags(group='scheduler', driver=policy, seed=seed,
                   max_attempts=int(rng.integers(1, 5)))
        self.flags(group='filter_scheduler',
                   enabled_filters=enabled_filters,
                   ram_allocation_ratio=float(rng.choice([1.0, 1.5])),
                   cpu_allocation_ratio=float(rng.choice([1.0, 4.0])),
                   reserved_host_memory_mb=int(rng.choice([0, 512])),
                   reserved_host_cpus=float(rng.choice([0.0, 0.5])))
        manager = SchedulerManager(self.conf, load_inventory=False)
        hosts = [random_host(rng, i) for i in range(int(rng.integers(1, 80)))]
        manager.set_hosts(hosts)
        names = [h.name for h in hosts]
        scorer = reference_scorer(policy, manager.pipeline.driver, seed)
        if scorer is None:
            return False
        reference = PerHostReference(manager, scorer)
        placed = []

        for step in range(DECISIONS):
            request = random_request(rng, names)
            expected, reasons = reference.decide(request)
            where = 'policy %s, seed %d, decision %d, %r' % (
                policy, seed, step, request)
            if expected is None:
                error = self.assertRaises(exception.NoValidHost,
                                          manager.select_destinations,
                                          request)
                self.assertEqual(reasons, error.reasons, where)
                continue
            selection, = manager.select_destinations(request)
            self.assertEqual(expected,
                             [selection.host] + list(selection.alternates),
                             where)
            placed.append(selection)

            # Some claims go away again and some hosts report new usage, so
            # that later decisions run on changed rows.
            if placed and rng.random() < 0.3:
                manager.release(placed.pop(int(rng.integers(len(placed)))))
            if rng.random() < 0.1:
                manager.report_usage(str(rng.choice(names)),
                                     memory_mb_used=int(rng.integers(0, 9000)))
        return True

    def test_every_policy_matches_per_host(self):
        # Policies that rank hosts themselves have no per-host scores, so
        # they are left out. The manager checks what they return.
        checked = []
        for policy in self._policies():
            for number in range(INVENTORIES):
                if self._check_policy(policy, ['resources', 'gpu'],
                                      SEED + number):
                    checked.append(policy)
        self.assertIn('memory', checked)
        self.assertIn('random', checked)

    def test_every_filter_matches_per_host(self):
        # Every installed filter at once, so that each vectorised filter is
        # compared with its own host_passes on the hosts the earlier ones
        # kept.
        for number in range(INVENTORIES):
            self.assertTrue(self._check_policy('memory', self._filters(),
                                               SEED + 100 + number))


class RowRefreshTest(base.TestCase):
    """Claims update single rows; the result equals a refresh of all rows."""

    def test_row_updates_match_column_refresh(self):
        rng = np.random.default_rng(SEED)
        self.flags(group='filter_scheduler', ram_allocation_ratio=1.5,
                   reserved_host_memory_mb=1024, disk_allocation_ratio=0.7)
        self.conf([])
        manager = SchedulerManager(self.conf, load_inventory=False)
        hosts = [random_host(rng, i) for i in range(60)]
        manager.set_hosts(hosts)
        claims = []
        for _ in range(400):
            request = random_request(rng, [h.name for h in hosts])
            try:
                claims.extend(manager.select_destinations(request))
            except exception.NoValidHost:
                pass
            if claims and rng.random() < 0.4:
                manager.release(claims.pop(int(rng.integers(len(claims)))))
            if rng.random() < 0.2:
                manager.report_usage(hosts[int(rng.integers(60))].name,
                                     disk_gb_used=int(rng.integers(0, 900)))
            if rng.random() < 0.05:
                # A new description of an existing host, through the
                # one-row update path.
                # Its claims go first, since the new description may have
                # fewer GPU cards than they use.
                changed = random_host(rng, int(rng.integers(60)))
                claims = [c for c in claims if c.host != changed.name]
                for claim in manager.store.claims(changed.name):
                    manager.release(claim.claim_id)
                manager.update_host(changed)
                hosts[int(changed.name[5:])] = changed
            if rng.random() < 0.05:
                added = random_host(rng, 1000 + int(rng.integers(1000)))
                if added.name not in manager.store.hosts:
                    manager.add_host(added)

        table = manager.store.hosts
        derived = [name + '_' + suffix
                   for name in host_table_mod.RESOURCES
                   for suffix in ('used', 'usable', 'capacity', 'free',
                                  'fit')]
        derived += ['gpu_free_cards', 'gpu_max_free', 'gpu_free_milli']
        before = {name: np.array(getattr(table, name)) for name in derived}
        for name in host_table_mod.RESOURCES:
            table._refresh_resource(name, slice(None))
        table._refresh_gpus(slice(None))
        for name in derived:
            np.testing.assert_array_equal(before[name],
                                          getattr(table, name), name)
        self.assertGreater(len(claims), 0)
