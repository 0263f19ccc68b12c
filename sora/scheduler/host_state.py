"""A read-only view of one host, for plugins written per host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sora.scheduler.host_table import HostTable


class HostState:
    """One row of the host table, read through attributes.

    Plugins that work one host at a time receive these. A view is valid only
    during the decision that made it: the row it reads may move once the
    decision ends and hosts are added or removed.
    """

    __slots__ = ('table', 'row')

    def __init__(self, table: HostTable, row: int) -> None:
        self.table = table
        self.row = row

    def __repr__(self) -> str:
        return 'HostState(%r)' % self.name

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, HostState) and other.table is self.table
                and other.row == self.row)

    def __hash__(self) -> int:
        return hash((id(self.table), self.row))

    def _value(self, column: str) -> int:
        return int(getattr(self.table, column)[self.row])

    @property
    def name(self) -> str:
        return self.table.names[self.row]

    @property
    def memory_mb(self) -> int:
        """Physical memory in MiB."""
        return self._value('memory_mb_total')

    @property
    def free_memory_mb(self) -> int:
        """Memory in MiB that can still be allocated.

        Counted after reserved memory and the allocation ratio, and negative
        when the host is over-committed.
        """
        return self._value('memory_mb_free')

    @property
    def vcpus_milli(self) -> int:
        """Physical CPUs in thousandths."""
        return self._value('vcpus_milli_total')

    @property
    def free_vcpus_milli(self) -> int:
        """CPUs in thousandths that can still be allocated."""
        return self._value('vcpus_milli_free')

    @property
    def disk_gb(self) -> int:
        """Physical disk in GiB."""
        return self._value('disk_gb_total')

    @property
    def free_disk_gb(self) -> int:
        """Disk in GiB that can still be allocated."""
        return self._value('disk_gb_free')

    @property
    def gpus(self) -> int:
        """Number of GPU cards."""
        return self._value('gpus_total')

    @property
    def free_gpu_cards(self) -> int:
        """Number of GPU cards with nothing allocated on them."""
        return self._value('gpu_free_cards')

    @property
    def free_gpu_milli(self) -> int:
        """Free GPU share summed over every card, in thousandths."""
        return self._value('gpu_free_milli')

    @property
    def gpu_card_free(self) -> list[int]:
        """Free share of each card, in thousandths, lowest card first."""
        return [int(v) for v in self.table.card_free(self.row)]

    @property
    def gpu_model(self) -> str:
        return self.table.gpu_models[self.table.gpu_model[self.row]]

    @property
    def zone(self) -> str:
        return self.table.zones[self.table.zone[self.row]]

    @property
    def labels(self) -> Mapping[str, str]:
        return dict(self.table.labels[self.row])

    @property
    def enabled(self) -> bool:
        return bool(self.table.enabled[self.row])

    @property
    def last_report(self) -> float:
        """Time of the host's last report, in seconds since the epoch."""
        return float(self.table.last_report[self.row])

    @property
    def instances(self) -> int:
        """Number of claims the manager holds on this host."""
        return self._value('instances')
