"""The ``preferred-label`` policy: hosts with the wanted labels win."""

from __future__ import annotations

import numpy as np
from oslo_config import cfg

from sora.drivers import base
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec

GROUP = 'preferred_label'

OPTS = [
    cfg.DictOpt(
        'labels',
        default={},
        mutable=True,
        help="""
Host labels that the ``preferred-label`` policy prefers.

A host that carries every listed label with the listed value ranks above
every host that does not. Within each of the two sets, the host with the
most free memory ranks first.

Possible values:

* Comma-separated ``key:value`` pairs, for example ``ssd:true,rack:r1``.
  Empty (the default) ranks every host by free memory alone.

Related options:

* ``[scheduler] driver``: set it to ``preferred-label`` to use this policy.
"""),
]


class PreferredLabelPolicy(base.SchedulerDriver):
    """Prefer hosts that carry the labels in ``[preferred_label] labels``.

    Among the hosts with those labels, and then among the others, the host
    with the most free memory wins.
    """

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        return [(GROUP, OPTS)]

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        super().__init__(conf)
        # Read once: a reload builds a new policy object with new values.
        self.labels = dict(conf[GROUP].labels)

    def score_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        free = hosts.memory_mb_free[rows].astype(float)
        if not self.labels:
            return free
        matches = np.array([self._matches(hosts.labels[row]) for row in rows],
                           dtype=bool)
        # A match adds more than any host's free memory, so every matching
        # host ranks above every other one.
        bonus = float(free.max(initial=0.0)) + 1.0
        return free + np.where(matches, bonus, 0.0)

    def _matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(key) == value
                   for key, value in self.labels.items())
