"""The contract of a host filter.

A filter removes the hosts that cannot hold a request. The manager runs the
enabled filters in order before any policy sees a host. A filter may work
one host at a time (``host_passes``) or on whole columns of the host table
(``filter_hosts``); the manager calls the per-host method only for hosts
that every earlier filter kept.
"""

from __future__ import annotations

import numpy as np
from oslo_config import cfg

from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class BaseFilter:
    """Base class of every filter; it keeps no state between decisions."""

    # The name sora.conf uses for this filter; the loader sets it from the
    # entry point.
    name = ''

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        """Return the filter's own options as ``(group, options)`` pairs."""
        return []

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: FilterContext) -> bool:
        """Return whether one host can hold one instance of the request."""
        raise NotImplementedError(
            '%s must implement host_passes or filter_hosts'
            % type(self).__name__)

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        """Return a boolean array: which hosts pass this filter.

        ``candidates`` marks the hosts that earlier filters kept. The result
        is read only where ``candidates`` is true, so the default calls
        ``host_passes`` only for those hosts.
        """
        passes = np.zeros(len(hosts), bool)
        for row in np.flatnonzero(candidates):
            passes[row] = self.host_passes(hosts.host(int(row)), request,
                                           context)
        return passes

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: FilterContext) -> str:
        """Return why this filter rejects a host, as NoValidHost counts it.

        The text follows "N hosts are available: 2 ...", for example
        "not enough memory_mb".
        """
        return 'rejected by filter %s' % (self.name or type(self).__name__)

    def count_rejections(self, hosts: HostTable, request: RequestSpec,
                         context: FilterContext,
                         rows: np.ndarray) -> dict[str, int]:
        """Count the hosts in ``rows``, all rejected, per rejection reason.

        The default calls ``rejection_reason`` for each row. A filter that
        can give the same counts from whole columns overrides it, because
        NoValidHost explains every rejected host.
        """
        counts: dict[str, int] = {}
        for row in rows:
            reason = self.rejection_reason(hosts.host(int(row)), request,
                                           context)
            counts[reason] = counts.get(reason, 0) + 1
        return counts


class FilterContext:
    """What one decision knows besides the request and the host table.

    ``group_members`` maps a host name to the number of instances of the
    request's group that it holds, including instances placed earlier in
    the same request. ``now`` is the decision time in seconds since the
    epoch.
    """

    __slots__ = ('group_members', 'now')

    def __init__(self, group_members: dict[str, int] | None = None,
                 now: float = 0.0) -> None:
        self.group_members = group_members or {}
        self.now = now
