"""The SchedulerManager: the object a daemon embeds to place requests."""

from __future__ import annotations

from collections.abc import Mapping
import threading
import time

import numpy as np
from oslo_config import cfg
from oslo_log import log as logging

from sora import conf as sora_conf
from sora.conf import unknown as unknown_opts
from sora import exception
from sora.filters.base import FilterContext
from sora.inventory import loader as inventory_loader
from sora.inventory import merge as inventory_merge
from sora import plugins
from sora.scheduler import checks
from sora.scheduler import decision
from sora.scheduler.host import Host
from sora.scheduler import pipeline as pipeline_mod
from sora.scheduler import reload_hook
from sora.scheduler.request import RequestSpec
from sora.scheduler.selection import Claim
from sora.scheduler.selection import Selection
from sora.state import base as state_base
from sora.state import loader as state_loader

LOG = logging.getLogger(__name__)


def default_sources() -> dict[str, plugins.PluginSource]:
    """Return plugin sources that read the installed entry points."""
    return {namespace: plugins.PluginSource(namespace)
            for namespace in (plugins.SCHEDULER_NAMESPACE,
                              plugins.FILTER_NAMESPACE,
                              plugins.WEIGHER_NAMESPACE,
                              plugins.INVENTORY_NAMESPACE,
                              state_loader.STATE_NAMESPACE)}


class SchedulerManager:
    """Places requests on hosts with the configured policy and filters.

    The manager owns the host state and the claims, through its state store.
    Every decision filters the hosts, has the policy rank the ones that
    pass, and claims the best one before the next decision starts. All
    public methods are safe to call from many threads.

    The manager registers a mutate hook on ``conf``, so a daemon that calls
    ``conf.mutate_config_files()`` (oslo.service does on SIGHUP when
    launched with ``restart_method='mutate'``) gets the new policy,
    filters and inventory through ``reload``.

    :param conf: the options; defaults to oslo.config's global ``CONF``.
        sora registers its options on it. Two managers may use two
        ``ConfigOpts`` objects in one process.
    :param store: where hosts and claims are kept; defaults to the store
        that ``[scheduler] state_store`` names.
    :param load_inventory: read the hosts of ``[inventory]`` at startup.
        A shared store (such as etcd) keeps the hosts it holds instead;
        call load_inventory() to replace them.
    :param sources: plugin sources by namespace, for tests that inject
        plugins; defaults to the installed entry points.
    :raises SoraException: when an option, the policy, a filter or the
        inventory is invalid. Nothing is started in that case.
    """

    def __init__(self, conf: cfg.ConfigOpts | None = None,
                 store: state_base.StateStore | None = None,
                 load_inventory: bool = True,
                 sources: Mapping[str, plugins.PluginSource] | None = None
                 ) -> None:
        self.conf = cfg.CONF if conf is None else conf
        sora_conf.register_opts(self.conf)
        self.sources = dict(default_sources())
        self.sources.update(sources or {})
        # Serialises reloads; decisions never take it. Reentrant, because a
        # SIGHUP handler can start a reload while the same thread is in
        # the middle of one.
        self._reload_lock = threading.RLock()
        # Counts the reloads swapped in, so that a reload interrupted by a
        # newer one does not swap its older result back in.
        self._reloads = 0
        # What the inventory source listed at the last read, or None when
        # the caller manages the hosts itself.
        self._source_hosts: list[Host] | None = None

        self._pipeline = pipeline_mod.Pipeline.build(self.conf, self.sources)
        # The generator for tie shuffling and host_subset_size, made by
        # _random() on first use from the seed at startup, because numpy
        # takes tens of milliseconds to import numpy.random.
        self._seed = self.conf.scheduler.seed
        self._rng: np.random.Generator | None = None
        self.store = store or state_loader.load_store(
            self.conf, self.sources[state_loader.STATE_NAMESPACE])
        with self.store.lock:
            self.store.hosts.set_settings(self._pipeline.settings.capacity)
        info = self._pipeline.driver_info
        LOG.info('Loaded scheduler policy %s (%s) from %s %s',
                 info.name, info.entry_point, info.distribution,
                 info.version)

        if load_inventory and not self.store.shared:
            self.load_inventory()
        # After the plugins have registered their options, so that those
        # count as known.
        # NOTE: with a shared store and no inventory read, the options of
        # the inventory source plugin are not registered yet, so one in
        # [inventory] gets a warning although it is valid.
        unknown_opts.warn_unknown(self.conf, sora_conf.OWNED_GROUPS)
        self.conf.register_mutate_hook(reload_hook.mutate_hook(self))

    @property
    def driver_name(self) -> str:
        """The name of the policy that new decisions use."""
        return self._pipeline.driver_name

    @property
    def pipeline(self) -> pipeline_mod.Pipeline:
        return self._pipeline

    # -- reload -----------------------------------------------------------

    def reload(self) -> None:
        """Rebuild the policy and filters from the options, and re-read hosts.

        A daemon that does not use oslo.config's mutate hooks calls this
        after it has read its configuration files again. The new pipeline
        and, when the manager reads an inventory source, the new host list
        are built and checked in full first. Then both are swapped in
        together under the store lock: a decision in flight finishes on the
        old policy, and the next one uses the new policy.

        :raises SoraException: when an option, the policy, a filter or the
            inventory is invalid. Nothing has changed in that case.
        """
        with self._reload_lock:
            started = self._reloads
            new = pipeline_mod.Pipeline.build(self.conf, self.sources)
            hosts = None
            if self._source_hosts is not None:
                hosts = inventory_loader.read_inventory(
                    self.conf, self.sources[plugins.INVENTORY_NAMESPACE])

            if self._reloads != started:
                LOG.info('A newer reload finished first; it stays in place')
                return

            with self.store.lock:
                old = self._pipeline
                change = None
                dropped: list[Claim] = []
                self.store.hosts.set_settings(new.settings.capacity)
                if hosts is not None:
                    table = self.store.hosts
                    state = {name: table.to_host(table.row(name))
                             for name in table.names}
                    change = inventory_merge.merge_inventory(
                        self._source_hosts or [], hosts, state)
                    if change:
                        dropped = self.store.load(change.hosts)
                    self._source_hosts = hosts
                self._pipeline = new
                self._reloads += 1

        self._log_reload(old, new, change, dropped)

    def _log_reload(self, old: pipeline_mod.Pipeline,
                    new: pipeline_mod.Pipeline,
                    change: inventory_merge.InventoryChange | None,
                    dropped: list[Claim]) -> None:
        if old.driver_name != new.driver_name:
            LOG.info('Scheduler policy changed from %s to %s',
                     old.driver_name, new.driver_name)
        else:
            LOG.info('Scheduler options reloaded; policy %s', new.driver_name)
        LOG.info('Enabled filters: %s',
                 ', '.join(f.name for f in new.filters) or 'none')
        if change:
            LOG.info('Inventory source %s changed: %d hosts added, %d '
                     'removed, %d updated', self.conf.inventory.source,
                     len(change.added), len(change.removed),
                     len(change.updated))
            _log_dropped(dropped, change.hosts)

    # -- inventory and host lifecycle -------------------------------------

    def load_inventory(self) -> list[Claim]:
        """Read ``[inventory]`` and replace the hosts with what it lists.

        The source is read and checked in full before anything changes.
        Claims on hosts that remain are kept; the dropped ones are returned.
        """
        with self._reload_lock:
            hosts = inventory_loader.read_inventory(
                self.conf, self.sources[plugins.INVENTORY_NAMESPACE])
            dropped = self.store.load(hosts)
            self._source_hosts = hosts
        _log_dropped(dropped, hosts)
        return dropped

    def set_hosts(self, hosts: list[Host]) -> list[Claim]:
        """Replace every host, keeping the claims on hosts that remain."""
        state_base.check_hosts(hosts)
        inventory_loader.check_unique(hosts, 'set_hosts')
        return self.store.load(hosts)

    def add_host(self, host: Host) -> None:
        """Add a host that is not in the host state yet."""
        checks.check_host(host)
        self.store.add_host(host)

    def update_host(self, host: Host) -> None:
        """Replace a host's capacity, labels, zone or enabled flag.

        The host keeps its claims. An update with fewer GPU cards than its
        claims use raises CardsInUse and changes nothing.
        """
        checks.check_host(host)
        self.store.update_host(host)

    def remove_host(self, name: str, force: bool = False) -> list[Claim]:
        """Remove a host; a host with claims needs ``force=True``."""
        checks.check_name('name', name, 'a host name')
        state_base.check_removal(name, force)
        return self.store.remove_host(name, force)

    def report_usage(self, name: str, memory_mb_used: int | None = None,
                     vcpus_milli_used: int | None = None,
                     disk_gb_used: int | None = None,
                     at: float | None = None) -> None:
        """Record a host's heartbeat and its usage outside sora's claims.

        ``at`` is the time of the report in seconds since the epoch, from 0
        to ``checks.MAX_CLOCK_SKEW`` (300) seconds ahead of this machine's
        clock; None means now.
        """
        checks.check_name('name', name, 'a host name')
        used = checks.check_usage({'memory_mb': memory_mb_used,
                                   'vcpus_milli': vcpus_milli_used,
                                   'disk_gb': disk_gb_used})
        if at is not None:
            at = checks.check_report_time(at)
        self.store.report(name, used, at)

    # -- decisions --------------------------------------------------------

    def select_destinations(self, request: RequestSpec) -> list[Selection]:
        """Choose and claim a host for every instance of ``request``.

        Each instance sees the claims of the instances before it. The
        request is all or nothing: when one instance finds no host, the
        claims of the others are released and NoValidHost is raised.
        """
        checks.check_request(request)
        placed: list[Selection] = []
        with self.store.lock:
            # Taken once, under the lock that a reload also needs to swap
            # the pipeline, so the whole decision runs on one policy.
            pipeline = self._pipeline
            self.store.refresh()
            try:
                for _ in range(request.num_instances):
                    placed.append(self._place_one(pipeline, request))
                return placed
            except Exception as error:
                failure = error
            # Released after the except block, so that oslo.log does not
            # append the request's failure to a failed release's warning.
            for selection in placed:
                self._release_quietly(selection.claim)
        raise failure

    def _release_quietly(self, claim: Claim) -> None:
        # A shared store that cannot release now releases the claim once
        # its server responds again, so the first error is the one raised.
        try:
            self.store.release(claim.claim_id)
            return
        except exception.SoraException as error:
            failure = error
        LOG.warning('Could not release claim %s on host %s after a failed '
                    'request: %s', claim.claim_id, claim.host, failure)

    def _place_one(self, pipeline: pipeline_mod.Pipeline,
                   request: RequestSpec) -> Selection:
        """Decide and claim, deciding again after each lost race."""
        conflicts: set[str] = set()
        # From the settings read with the pipeline: reading an option
        # costs microseconds, and every decision passes here.
        for _attempt in range(pipeline.settings.claim_retries + 1):
            try:
                return self._decide(pipeline, request)
            except exception.ClaimConflict as conflict:
                conflicts.add(conflict.host)
                LOG.debug('Request %s lost host %s to another scheduler; '
                          'deciding again', request.request_id,
                          conflict.host)
                self.store.refresh()
        raise decision.log_no_valid_host(
            self.store.hosts, {'contention': len(conflicts)}, request)

    def _decide(self, pipeline: pipeline_mod.Pipeline,
                request: RequestSpec) -> Selection:
        return decision.decide(self.store, pipeline, request,
                               self._filter_context(request), self._random)

    def _random(self) -> np.random.Generator:
        if self._rng is None:
            self._rng = decision.selection_rng(self._seed)
        return self._rng

    def claim(self, host: str, request: RequestSpec) -> Claim:
        """Claim one instance of ``request`` on a named host.

        A caller uses it to claim an alternate without scheduling again.
        The enabled filters run again on that host alone, on its current
        state, so a host that was disabled or filled since the decision,
        or one that the request's zone or server group rules out, raises
        ClaimFailed with the filter's reason. When another scheduler
        changed the host first, the check runs again on the host's new
        state, up to ``[scheduler] claim_retries`` times.
        """
        checks.check_name('host', host, 'a host name')
        checks.check_request(request)
        with self.store.lock:
            pipeline = self._pipeline
            for _attempt in range(pipeline.settings.claim_retries):
                try:
                    return self._claim_named(pipeline, host, request)
                except exception.ClaimConflict:
                    continue
            return self._claim_named(pipeline, host, request)

    def release(self, claim: Claim | Selection | str) -> Claim:
        """Free a claim, given as a Claim, a Selection or a claim id."""
        if isinstance(claim, Selection):
            claim = claim.claim
        claim_id = claim.claim_id if isinstance(claim, Claim) else claim
        checks.check_name('claim', claim_id,
                          'a Claim, a Selection or a claim id')
        return self.store.release(claim_id)

    def _filter_context(self, request: RequestSpec) -> FilterContext:
        return FilterContext(
            self.store.group_members(request.group) if request.group
            else {}, time.time())

    def _claim_named(self, pipeline: pipeline_mod.Pipeline, host: str,
                     request: RequestSpec) -> Claim:
        """Run the filters on ``host`` alone, then claim one instance.

        A host name that the table does not have is left to the store,
        which raises HostNotFound.
        """
        # A shared store reads the host again, so that the filters see
        # what other schedulers changed since the decision.
        self.store.refresh([host])
        table = self.store.hosts
        if host in table:
            reason = pipeline.host_rejection(table, table.row(host),
                                             request,
                                             self._filter_context(request))
            if reason is not None:
                raise exception.ClaimFailed(host, reason)
        return self.store.claim(host, request)


def _log_dropped(dropped: list[Claim], hosts: list[Host]) -> None:
    """Log each claim that a new inventory dropped, with the reason."""
    by_name = {host.name: host for host in hosts}
    for claim in dropped:
        LOG.warning('Dropped claim %s: %s', claim.claim_id,
                    inventory_merge.drop_reason(claim, by_name))
