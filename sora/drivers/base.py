"""The contract between the manager and a scheduling policy.

The manager filters the hosts, so a policy sees only hosts that can hold the
request, and it claims the winner, so a policy never changes host state. A
policy only ranks. It does that in one of three ways, from the simplest to
write to the fastest:

* ``score_host``: one plain-Python score per host, higher is better;
* ``score_hosts``: a numpy array of scores for all candidates at once;
* ``rank_hosts``: the hosts themselves, best first, for a policy that does
  not think in scores.

The manager breaks ties between equal scores by host name, or at random when
``[filter_scheduler] shuffle_best_same_weighed_hosts`` is set.
"""

from __future__ import annotations

import abc

import numpy as np
from oslo_config import cfg

from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec


class SchedulerDriver(abc.ABC):
    """Base class of every scheduling policy.

    A policy gets its configuration when it is built and must keep no state
    from one decision to the next, except a random generator.

    A policy that sets ``uses_weighers`` to True is built with a second
    keyword argument, ``weighers``: the weighers listed in
    ``[filter_scheduler] weighers``, loaded and in order.
    """

    uses_weighers = False

    # True when ``score_hosts`` gives each host a score that depends only
    # on three things. They are that host's row, what changes with the
    # table's ``generation`` (hosts and capacity settings), and the
    # request's memory, CPUs, disk, GPU count and GPU share. The manager
    # then keeps every host's score per request shape and scores again
    # only the hosts whose usage changed since. Leave it False for a score
    # that compares hosts, reads other request fields, or is random.
    scores_per_host = False

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        hooks = ('score_host', 'score_hosts', 'rank_hosts')
        if not inspect_abstract(cls) and all(
                getattr(cls, hook) is getattr(SchedulerDriver, hook)
                for hook in hooks):
            raise TypeError('%s must implement score_host, score_hosts or '
                            'rank_hosts' % cls.__name__)

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        """Return the policy's own options as ``(group, options)`` pairs.

        The manager registers them when the policy loads.
        """
        return []

    def score_host(self, host: HostState, request: RequestSpec) -> float:
        """Return one host's score; a higher score ranks the host higher."""
        raise NotImplementedError

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        """Return one score per row in ``rows``, in the same order.

        The default calls ``score_host`` for each row. Override it to score
        every candidate with array operations.
        """
        scores = np.empty(len(rows))
        for i, row in enumerate(rows):
            scores[i] = self.score_host(hosts.host(int(row)), request)
        return scores

    def rank_hosts(self, hosts: HostTable, rows: np.ndarray,
                   request: RequestSpec, limit: int) -> list[HostState]:
        """Return up to ``limit`` candidate hosts, best first.

        Override this only for a policy that does not rank by score. The
        manager checks that every returned item is one of the candidates.
        """
        raise NotImplementedError


def inspect_abstract(cls: type) -> bool:
    """Return whether ``cls`` still declares abstract methods."""
    return bool(getattr(cls, '__abstractmethods__', None))
