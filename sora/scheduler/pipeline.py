"""The filters and the policy of one configuration, built together.

The manager builds a pipeline from the options at startup and again on each
reload, then swaps it in with one assignment. A decision takes the pipeline
once at its start, so it finishes on the policy it began with even if the
options change meanwhile.
"""

from __future__ import annotations

import collections
import dataclasses
import math

import numpy as np
from oslo_config import cfg
from oslo_log import log as logging

from sora import conf as sora_conf
from sora.conf import opts as conf_opts
from sora.drivers import base as driver_base
from sora import exception
from sora.filters import base as filter_base
from sora import plugins
from sora.scheduler import fit
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.host_table import HostTable
from sora.scheduler import plugin_loading
from sora.scheduler import ranking
from sora.scheduler.request import RequestSpec
from sora.scheduler import score_cache
from sora.scheduler import units

LOG = logging.getLogger(__name__)


class PolicyFailed(exception.PolicyError):
    """A scheduling policy raised an exception while ranking hosts."""

    def __init__(self, policy: str, method: str,
                 cause: BaseException) -> None:
        self.policy = policy
        self.method = method
        self.cause = cause
        self.problem = '%s raised %s: %s' % (
            method, type(cause).__name__, cause)
        exception.SoraException.__init__(
            self, 'Scheduler policy %r failed: %s. Nothing was claimed; fix '
            'the policy or choose another one in [scheduler] driver.'
            % (policy, self.problem))


@dataclasses.dataclass(frozen=True)
class Settings:
    """The scheduler options one decision uses, read once per pipeline."""

    max_attempts: int
    host_subset_size: int
    shuffle_ties: bool
    capacity: CapacitySettings
    claim_retries: int


def read_settings(conf: cfg.ConfigOpts) -> Settings:
    """Read the options of one pipeline; raise ConfigError on a bad one.

    Ratios and reserved amounts go through the same checks as an inventory
    entry, so a ratio is finite and at most 1000, and reserved CPUs keep at
    most three decimal places instead of being rounded.
    """
    fs = conf.filter_scheduler

    def ratio(name: str) -> float:
        return sora_conf.parsed_option(conf, 'filter_scheduler', name,
                                       units.parse_ratio)

    def amount(name: str) -> int:
        return sora_conf.parsed_option(conf, 'filter_scheduler', name,
                                       units.parse_count)

    return Settings(
        max_attempts=conf.scheduler.max_attempts,
        host_subset_size=fs.host_subset_size,
        shuffle_ties=fs.shuffle_best_same_weighed_hosts,
        capacity=CapacitySettings(
            ratios={'memory_mb': ratio('ram_allocation_ratio'),
                    'vcpus_milli': ratio('cpu_allocation_ratio'),
                    'disk_gb': ratio('disk_allocation_ratio')},
            reserved={'memory_mb': amount('reserved_host_memory_mb'),
                      'vcpus_milli': sora_conf.parsed_option(
                          conf, 'filter_scheduler', 'reserved_host_cpus',
                          units.parse_milli),
                      'disk_gb': amount('reserved_host_disk_gb')}),
        claim_retries=conf.scheduler.claim_retries)


def _run_filter(host_filter: filter_base.BaseFilter, table: HostTable,
                request: RequestSpec, context: filter_base.FilterContext,
                candidates: np.ndarray) -> np.ndarray:
    """Return which hosts a filter passes, or raise FilterError.

    An array result comes back as the same object, so that the caller can
    recognise ``all_pass``. numpy would broadcast a result of the wrong
    length, such as a single value, over every host instead of failing.
    """
    passes = np.asarray(host_filter.filter_hosts(table, request, context,
                                                 candidates))
    if passes.shape != (len(table),):
        raise exception.FilterError(
            host_filter.name, 'expected one value per host, %d in all, got '
            'shape %s' % (len(table), passes.shape))
    return passes


class Pipeline:
    """A loaded policy, its filters, and the settings they run with."""

    def __init__(self, driver_info: plugins.PluginInfo,
                 driver: driver_base.SchedulerDriver,
                 filters: list[filter_base.BaseFilter],
                 settings: Settings) -> None:
        self.driver_info = driver_info
        self.driver = driver
        self.filters = filters
        self.settings = settings
        self._custom_rank = (type(driver).rank_hosts
                             is not driver_base.SchedulerDriver.rank_hosts)
        self._score_cache = (score_cache.ScoreCache()
                             if driver.scores_per_host
                             and not self._custom_rank else None)
        # Whether every host that passes the filters also passes the
        # check a claim makes, so that alternates need no check of their
        # own.
        covered = set().union(*(f.claim_checks for f in filters))
        self.filters_check_claims = fit.CLAIM_CHECKS <= covered

    @property
    def driver_name(self) -> str:
        return self.driver_info.name

    @classmethod
    def build(cls, conf: cfg.ConfigOpts,
              sources: dict[str, plugins.PluginSource]) -> Pipeline:
        """Load the configured policy, its weighers and the filters.

        Raise a SoraException naming the option and value on any problem.
        Nothing is swapped in by this call, so a failure leaves the running
        pipeline untouched.
        """
        sora_conf.validate_opts(conf, conf_opts.list_opts())
        driver_name = conf.scheduler.driver
        info = sources[plugins.SCHEDULER_NAMESPACE].load(
            driver_name, 'scheduler', 'driver',
            sora_conf.option_files(conf, 'scheduler', 'driver'))
        driver = plugin_loading.build_policy(conf, info, sources)

        filters = plugin_loading.load_listed(
            conf, sources[plugins.FILTER_NAMESPACE], 'enabled_filters')

        return cls(info, driver, filters, read_settings(conf))

    def filter(self, table: HostTable, request: RequestSpec,
               context: filter_base.FilterContext) -> np.ndarray:
        """Return a boolean array of the hosts that pass every filter."""
        if LOG.isEnabledFor(logging.DEBUG):
            return self._filter_logged(table, request, context)
        everyone = filter_base.all_pass(table)
        mask = None
        for host_filter in self.filters:
            passes = _run_filter(host_filter, table, request, context,
                                 everyone if mask is None else mask)
            if passes is everyone:
                # The request does not use this filter, so it removes no
                # host and the mask stays as it is.
                continue
            if mask is None:
                # A copy, because the result may be a read-only column of
                # the table. Starting from it saves a pass over the hosts.
                mask = passes.astype(bool)
            else:
                mask &= passes
        return everyone.copy() if mask is None else mask

    def _filter_logged(self, table: HostTable, request: RequestSpec,
                       context: filter_base.FilterContext) -> np.ndarray:
        """Filter the hosts as filter() does, logging what each removes."""
        mask = np.ones(len(table), bool)
        for host_filter in self.filters:
            before = np.count_nonzero(mask)
            mask &= _run_filter(host_filter, table, request, context, mask)
            kept = np.count_nonzero(mask)
            LOG.debug('Filter %s kept %d hosts and removed %d for request '
                      '%s', host_filter.name, kept, before - kept,
                      request.request_id)
        return mask

    def host_rejection(self, table: HostTable, row: int,
                       request: RequestSpec,
                       context: filter_base.FilterContext) -> str | None:
        """Return why the filters reject one host, or None if it passes.

        The reason is that of the first filter that rejects the host, as
        NoValidHost would count it.
        """
        candidates = np.zeros(len(table), bool)
        candidates[row] = True
        for host_filter in self.filters:
            passes = _run_filter(host_filter, table, request, context,
                                 candidates)
            if not passes[row]:
                return host_filter.rejection_reason(table.host(row), request,
                                                    context)
        return None

    def explain(self, table: HostTable, request: RequestSpec,
                context: filter_base.FilterContext) -> dict[str, int]:
        """Count, per reason, the hosts that the filters reject.

        Each host is counted once, under the first filter that rejects it.
        """
        reasons: collections.Counter = collections.Counter()
        remaining = np.ones(len(table), bool)
        for host_filter in self.filters:
            passes = _run_filter(host_filter, table, request, context,
                                 remaining)
            rejected = np.flatnonzero(remaining & ~passes)
            if len(rejected):
                reasons.update(host_filter.rejection_reasons(
                    table, rejected, request, context))
            remaining &= passes
        return dict(reasons)

    def rank(self, table: HostTable, rows: np.ndarray, request: RequestSpec,
             limit: int, rng: np.random.Generator | None) -> list[int]:
        """Return up to ``limit`` candidate rows, best first.

        ``rng`` breaks ties when ``shuffle_best_same_weighed_hosts`` is
        set, and may be None otherwise.

        Raise PolicyError, before anything is claimed, when the policy
        returns something other than candidate hosts or finite scores.
        """
        if self._custom_rank:
            ranked = self._call_policy('rank_hosts', table, rows, request,
                                       limit)
            return self._check_ranked(table, rows, ranked, limit)
        if self._score_cache is not None:
            scores = self._score_cache.scores(table, rows, request,
                                              self._score_rows)
        else:
            scores = self._call_policy('score_hosts', table, rows, request)
        array, best = self._check_scores(scores, len(rows))
        tie_rng = rng if self.settings.shuffle_ties else None
        return ranking.take_best(array, rows, limit, tie_rng, best)

    def _score_rows(self, table: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        """Return the policy's scores of ``rows`` as a float array."""
        scores = self._call_policy('score_hosts', table, rows, request)
        return self._as_scores(scores, len(rows))

    def _call_policy(self, method: str, *args: object) -> object:
        """Call a ranking method of the policy; wrap what it raises.

        The default ``score_hosts`` calls ``score_host`` per host, so an
        error there is reported the same way.
        """
        try:
            return getattr(self.driver, method)(*args)
        except exception.SoraException:
            raise
        except Exception as error:
            LOG.debug('Policy %s failed in %s', self.driver_name, method,
                      exc_info=True)
            raise PolicyFailed(self.driver_name, method, error) from error

    def _check_scores(self, scores: object,
                      count: int) -> tuple[np.ndarray, int | None]:
        """Return the scores as a new float array, or raise PolicyError.

        The second value is the position of the highest score when the
        check found it, and None otherwise.
        """
        array = self._as_scores(scores, count)
        # Integers are always finite, so only other types need the check.
        integral = getattr(scores, 'dtype', None) is not None and \
            scores.dtype.kind in 'biu'  # type: ignore[attr-defined]
        if not count or integral:
            return array, None
        # The highest and the lowest score are NaN when any score is NaN,
        # and an infinite score is one of them. argmax() and argmin() find
        # them at about half the cost of a reduction such as isfinite().all()
        # or sum(), whose fixed cost is about three microseconds here.
        best = int(array.argmax())
        if not (math.isfinite(array[best])
                and math.isfinite(array[array.argmin()])):
            raise exception.PolicyError(
                self.driver_name, 'a score is NaN or infinite')
        return array, best

    def _as_scores(self, scores: object, count: int) -> np.ndarray:
        """Return ``count`` scores as a new float array, or raise."""
        try:
            # A copy, because ranking overwrites the scores it has taken
            # and the policy may have returned a column of the host table.
            array = np.array(scores, dtype=float)
        except (TypeError, ValueError):
            raise exception.PolicyError(
                self.driver_name,
                'scores %s are not numbers' % exception.shown(scores)
            ) from None
        if array.shape != (count,):
            raise exception.PolicyError(
                self.driver_name, 'expected %d scores, one per candidate, '
                'got shape %s' % (count, array.shape))
        return array

    def _check_ranked(self, table: HostTable, rows: np.ndarray,
                      ranked: object, limit: int) -> list[int]:
        name = self.driver_name
        if not isinstance(ranked, (list, tuple)):
            raise exception.PolicyError(
                name, 'expected a list of hosts, got %s'
                % exception.shown(ranked))
        candidates = set(int(r) for r in rows)
        picked: list[int] = []
        for item in ranked[:limit]:
            if not isinstance(item, HostState) or item.table is not table:
                raise exception.PolicyError(
                    name, '%s is not a host of this scheduler'
                    % exception.shown(item))
            if item.row not in candidates:
                raise exception.PolicyError(
                    name, 'host %s did not pass the filters for this request'
                    % item.name)
            if item.row in picked:
                raise exception.PolicyError(
                    name, 'host %s is listed twice' % item.name)
            picked.append(item.row)
        if not picked and candidates:
            raise exception.PolicyError(
                name, 'no host was returned although %d passed the filters'
                % len(candidates))
        return picked
