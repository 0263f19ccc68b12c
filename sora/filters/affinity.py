"""The ``affinity`` filter: server groups with affinity or anti-affinity."""

from __future__ import annotations

import numpy as np

from sora import exception
from sora.filters import base
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


def member_limit(request: RequestSpec) -> int | None:
    """Return the most group members one host may hold, or None.

    ``max_per_host`` sets it for any group. Without it, anti-affinity allows
    one member per host and affinity has no limit.
    """
    if request.max_per_host is not None:
        return request.max_per_host
    if request.group_policy == 'anti-affinity':
        return 1
    return None


class AffinityFilter(base.BaseFilter):
    """Keep hosts that respect the request's group policy.

    The counts come from ``FilterContext.group_members``: the instances of
    the group each host holds, including the instances that earlier steps
    of the same multi-instance request placed, because the manager builds a
    new context after each instance.

    * ``affinity``: once any host holds a member of the group, only hosts
      that hold one pass. The first member may go anywhere.
    * ``anti-affinity``: a host that holds a member is removed, so each
      instance lands on a different host.
    * ``max_per_host``: a host that already holds that many members of the
      group is removed, whatever the policy. With anti-affinity it replaces
      the limit of one member per host.

    A request without a group passes every host, and ``max_per_host``
    without a group has no effect.
    """

    def _counts(self, hosts: HostTable,
                context: base.FilterContext) -> np.ndarray:
        counts = np.zeros(len(hosts), np.int64)
        for name, count in context.group_members.items():
            if name in hosts:
                counts[hosts.row(name)] = count
        return counts

    def filter_hosts(self, hosts: HostTable, request: RequestSpec,
                     context: base.FilterContext,
                     candidates: np.ndarray) -> np.ndarray:
        if not request.group:
            return base.all_pass(hosts)
        passes = np.ones(len(hosts), bool)
        counts = self._counts(hosts, context)
        if request.group_policy == 'affinity' and counts.any():
            passes &= counts > 0
        limit = member_limit(request)
        if limit is not None:
            passes &= counts < limit
        return passes

    def host_passes(self, host: HostState, request: RequestSpec,
                    context: base.FilterContext) -> bool:
        return self._reason(host, request, context) is None

    def rejection_reason(self, host: HostState, request: RequestSpec,
                         context: base.FilterContext) -> str:
        return (self._reason(host, request, context)
                or 'rejected by group %s' % _group(request))

    def _reason(self, host: HostState, request: RequestSpec,
                context: base.FilterContext) -> str | None:
        if not request.group:
            return None
        members = context.group_members
        count = members.get(host.name, 0)
        limit = member_limit(request)
        if limit is not None and count >= limit:
            if request.max_per_host is None:
                return 'holds a member of anti-affinity group %s' % (
                    _group(request))
            return 'holds max_per_host=%d members of group %s' % (
                limit, _group(request))
        if request.group_policy == 'affinity' and count == 0:
            placed = any(n in host.table and c > 0
                         for n, c in members.items())
            if placed:
                return 'not a host of affinity group %s' % _group(request)
        return None


def _group(request: RequestSpec) -> str:
    """Return the request's group name as reasons show it."""
    return exception.shown_name(request.group or '')
