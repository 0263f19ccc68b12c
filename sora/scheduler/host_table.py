"""The host table: the state of every host, kept as columns of numpy arrays.

Every decision reads every host, so the state is stored column by column
and the filters and policies compare whole columns at once instead of
walking one Python object per host. Hosts are kept sorted by name, so the
first of several equal hosts in a column is also the first by name, which
is the documented tie-break.

Besides the raw totals and usage, the table keeps derived columns that are
updated whenever one host changes: the capacity after reserved amounts and
allocation ratios, the free amount, and the largest single request that
fits (``*_fit``); sora.scheduler.capacity computes them. A resource check
is then one comparison per host. Claims, releases and reports are also
recorded in ``usage_log``, so that caches of per-host results can find the
hosts that changed.

The table has no lock of its own. The state store that owns it serialises
every change and every decision.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
import operator
import time

import numpy as np

from sora.scheduler import capacity
from sora.scheduler.capacity import CapacitySettings
from sora.scheduler.capacity import CARD_MILLI
from sora.scheduler.capacity import RESOURCES
from sora.scheduler.host import Host
from sora.scheduler.host_state import HostState
from sora.scheduler import usage_log

# The allocation-ratio column of each resource and the Host field that
# fills it; None in the field is NaN in the column.
_RATIO_FIELDS = (('memory_mb_ratio', 'ram_allocation_ratio'),
                 ('vcpus_milli_ratio', 'cpu_allocation_ratio'),
                 ('disk_gb_ratio', 'disk_allocation_ratio'))

# Per resource, the columns that a claim changes and the usable column that
# caps the fit, so that HostTable.apply builds no names per claim.
_CLAIM_COLUMNS = tuple(
    (name, name + '_claimed', name + '_used', name + '_free', name + '_fit',
     name + '_usable') for name in RESOURCES)

_INT = capacity.INT


class HostTable:
    """Columns of host state, one row per host, rows sorted by host name.

    The public arrays are read-only views: policies, filters and weighers
    may read them but never change host state. Row numbers stay valid only
    while the owning store's lock is held, because adding or removing a
    host shifts the rows after it.
    """

    def __init__(self, settings: CapacitySettings | None = None) -> None:
        self.settings = settings or CapacitySettings()
        self.names: list[str] = []
        self._rows: dict[str, int] = {}
        self.labels: list[dict[str, str]] = []
        self.gpu_models: list[str] = ['']
        self.zones: list[str] = ['']
        # Raised on every change to hosts or to the capacity settings, never
        # on claims, so that plugins can cache what they derive from
        # labels, zones, models or capacities.
        self.generation = 0
        # The rows of claims, releases and reports, for caches of per-host
        # results; hosts and settings move the generation instead.
        self.usage_log = usage_log.UsageLog()
        self._cols: dict[str, np.ndarray] = {}
        self._views: dict[str, np.ndarray] = {}
        self._build_columns([])

    # -- building ---------------------------------------------------------

    def _empty(self, count: int, cards: int) -> dict[str, np.ndarray]:
        cols = {}
        for name in RESOURCES:
            for suffix in ('total', 'external', 'claimed', 'used',
                           'capacity', 'usable', 'free', 'fit'):
                cols['%s_%s' % (name, suffix)] = np.zeros(count, _INT)
            cols[name + '_ratio'] = np.full(count, np.nan)
        cols['gpus_total'] = np.zeros(count, _INT)
        cols['gpu_model'] = np.zeros(count, np.int32)
        cols['gpu_used'] = np.zeros((count, cards), _INT)
        cols['gpu_free_cards'] = np.zeros(count, _INT)
        cols['gpu_max_free'] = np.zeros(count, _INT)
        cols['gpu_free_milli'] = np.zeros(count, _INT)
        cols['zone'] = np.zeros(count, np.int32)
        cols['enabled'] = np.zeros(count, bool)
        cols['last_report'] = np.zeros(count)
        cols['instances'] = np.zeros(count, _INT)
        return cols

    def _codes(self, table: list[str], values: Iterable[str]) -> list[int]:
        # The position of each value in table, appending the new ones.
        positions = {value: code for code, value in enumerate(table)}
        codes = []
        for value in values:
            code = positions.get(value)
            if code is None:
                code = positions[value] = len(table)
                table.append(value)
            codes.append(code)
        return codes

    def _fill_rows(self, cols: dict[str, np.ndarray], start: int,
                   hosts: list[Host], now: float) -> None:
        # Each column is written once from a list, because writing one
        # element at a time costs several times as much for many hosts.
        rows = slice(start, start + len(hosts))

        def values(field: str) -> list:
            return list(map(operator.attrgetter(field), hosts))

        for name in RESOURCES:
            cols[name + '_total'][rows] = values(name)
            cols[name + '_external'][rows] = values(name + '_used')
        for column, field in _RATIO_FIELDS:
            cols[column][rows] = [np.nan if ratio is None else ratio
                                  for ratio in values(field)]
        cols['gpus_total'][rows] = values('gpus')
        cols['gpu_model'][rows] = self._codes(self.gpu_models,
                                              values('gpu_model'))
        cols['zone'][rows] = self._codes(self.zones, values('zone'))
        cols['enabled'][rows] = values('enabled')
        cols['last_report'][rows] = now

    def _build_columns(self, hosts: list[Host]) -> None:
        now = time.time()
        cards = max([h.gpus for h in hosts] + [1])
        cols = self._empty(len(hosts), cards)
        self._fill_rows(cols, 0, hosts, now)
        self._cols = cols
        self.names = [h.name for h in hosts]
        self._rows = {name: row for row, name in enumerate(self.names)}
        self.labels = [dict(h.labels) for h in hosts]
        self._refresh_all()

    def _layout_changed(self) -> None:
        self._rows = {name: row for row, name in enumerate(self.names)}
        self._drop_views(list(self._views))
        self.generation += 1

    def _drop_views(self, names: Iterable[str]) -> None:
        # A view is also kept in the instance dictionary (see __getattr__),
        # so it has to go from there too once its column is replaced.
        for name in names:
            self._views.pop(name, None)
            self.__dict__.pop(name, None)

    # -- derived columns --------------------------------------------------

    def _refresh_all(self) -> None:
        self._layout_changed()
        for name in RESOURCES:
            self._refresh_resource(name, slice(None))
        self._refresh_gpus(slice(None))

    def _refresh_resource(self, name: str, rows: slice | int) -> None:
        capacity.refresh_resource(self._cols, self.settings, name, rows)

    def _refresh_gpus(self, rows: slice | int) -> None:
        capacity.refresh_gpus(self._cols, rows)

    def set_settings(self, settings: CapacitySettings) -> None:
        """Apply new allocation ratios and reserved amounts to every host."""
        if settings == self.settings:
            return
        self.settings = settings
        for name in RESOURCES:
            self._refresh_resource(name, slice(None))
        # Capacities changed, so caches derived from them must go.
        self.generation += 1

    # -- reading ----------------------------------------------------------

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self._rows

    def __getattr__(self, name: str) -> np.ndarray:
        # Columns are served as cached read-only views. Python calls this
        # method only when ordinary lookup fails, so storing the view in
        # the instance dictionary makes later reads plain attribute reads,
        # which matters because every decision reads several columns.
        cols = self.__dict__.get('_cols')
        if cols is None or name not in cols:
            raise AttributeError(name)
        view = self._views.get(name)
        if view is None:
            view = cols[name].view()
            view.flags.writeable = False
            self._views[name] = view
            self.__dict__[name] = view
        return view

    def row(self, name: str) -> int:
        """Return the row of host ``name``; raise KeyError if unknown."""
        return self._rows[name]

    def host(self, row: int) -> HostState:
        """Return a read-only view of one host for per-host plugins."""
        return HostState(self, row)

    def card_free(self, row: int) -> np.ndarray:
        """Return the free share of each card of a host, in thousandths."""
        count = int(self._cols['gpus_total'][row])
        return CARD_MILLI - self._cols['gpu_used'][row, :count]

    def to_host(self, row: int) -> Host:
        """Return the description of a host, without sora's claims."""
        cols = self._cols

        def ratio(col: str) -> float | None:
            value = float(cols[col][row])
            return None if np.isnan(value) else value

        return Host(
            name=self.names[row],
            memory_mb=int(cols['memory_mb_total'][row]),
            vcpus_milli=int(cols['vcpus_milli_total'][row]),
            disk_gb=int(cols['disk_gb_total'][row]),
            memory_mb_used=int(cols['memory_mb_external'][row]),
            vcpus_milli_used=int(cols['vcpus_milli_external'][row]),
            disk_gb_used=int(cols['disk_gb_external'][row]),
            gpus=int(cols['gpus_total'][row]),
            gpu_model=self.gpu_models[cols['gpu_model'][row]],
            zone=self.zones[cols['zone'][row]],
            labels=dict(self.labels[row]),
            enabled=bool(cols['enabled'][row]),
            ram_allocation_ratio=ratio('memory_mb_ratio'),
            cpu_allocation_ratio=ratio('vcpus_milli_ratio'),
            disk_allocation_ratio=ratio('disk_gb_ratio'))

    # -- changing hosts ---------------------------------------------------

    def replace_all(self, hosts: Iterable[Host]) -> None:
        """Replace every host at once; the caller re-applies its claims.

        A host that remains keeps the time of its last report, so that
        replacing the inventory does not make a silent host look alive.
        """
        reported = dict(zip(self.names, self._cols['last_report']))
        self._build_columns(sorted(hosts, key=lambda h: h.name))
        for row, name in enumerate(self.names):
            if name in reported:
                self._cols['last_report'][row] = reported[name]

    def _grow_cards(self, cards: int) -> None:
        used = self._cols['gpu_used']
        if cards > used.shape[1]:
            wider = np.zeros((used.shape[0], cards), _INT)
            wider[:, :used.shape[1]] = used
            self._cols['gpu_used'] = wider
            self._drop_views(('gpu_used',))

    def add(self, host: Host) -> int:
        """Insert a new host in name order and return its row."""
        row = bisect.bisect_left(self.names, host.name)
        self._grow_cards(host.gpus)
        one = self._empty(1, self._cols['gpu_used'].shape[1])
        self._fill_rows(one, 0, [host], time.time())
        for key, column in self._cols.items():
            self._cols[key] = np.insert(column, row, one[key], axis=0)
        self.names.insert(row, host.name)
        self.labels.insert(row, dict(host.labels))
        self._layout_changed()
        self._refresh_row(row)
        return row

    def update(self, host: Host) -> int:
        """Replace a host's description and reported usage, keeping claims."""
        row = self._rows[host.name]
        self._grow_cards(host.gpus)
        cols = self._cols
        self._fill_rows(cols, row, [host], cols['last_report'][row])
        self.labels[row] = dict(host.labels)
        self.generation += 1
        self._refresh_row(row)
        return row

    def remove(self, name: str) -> None:
        """Delete a host and its row."""
        row = self._rows[name]
        for key, column in self._cols.items():
            self._cols[key] = np.delete(column, row, axis=0)
        del self.names[row]
        del self.labels[row]
        self._layout_changed()

    def report(self, row: int, used: Mapping[str, int] | None,
               at: float | None = None) -> None:
        """Record a host's heartbeat and, if given, its usage outside sora.

        ``used`` maps a resource to what the host uses beyond the claims
        that sora made on it, for example its own services.
        """
        self._cols['last_report'][row] = time.time() if at is None else at
        self.usage_log.record(row, len(self.names))
        for name, value in (used or {}).items():
            self._cols[name + '_external'][row] = value
            self._refresh_resource(name, row)

    def _refresh_row(self, row: int) -> None:
        for name in RESOURCES:
            self._refresh_resource(name, row)
        self._refresh_gpus(row)

    # -- claims -----------------------------------------------------------

    def gpu_cards_for(self, row: int, gpus: int,
                      gpu_milli: int) -> list[int] | None:
        """Choose the cards a GPU request would take on a host, or None.

        Whole cards are the lowest-numbered cards with nothing on them. A
        share of one card goes to the card with the least free share that
        still fits it, so shares pack onto cards that are already in use.
        """
        if gpus == 0:
            return []
        # A host has at most a few cards, and plain Python on their list is
        # several times faster than numpy calls on so small an array.
        card_used = capacity.card_used(self._cols, row)
        if gpu_milli >= CARD_MILLI:
            idle = [card for card, used in enumerate(card_used) if not used]
            return idle[:gpus] if len(idle) >= gpus else None
        # The share goes to the fullest card that still has room for it.
        # Among equally full cards, the lowest-numbered one wins.
        room = CARD_MILLI - gpu_milli
        best = None
        for card, used in enumerate(card_used):
            if used <= room and (best is None or used > card_used[best]):
                best = card
        return None if best is None else [best]

    def apply(self, row: int, amounts: Mapping[str, int],
              cards: Iterable[int], gpu_milli: int, sign: int) -> None:
        """Add (sign=1) or remove (sign=-1) one instance's usage on a host."""
        cols = self._cols
        for name, claimed_key, used_key, free_key, fit_key, usable_key in \
                _CLAIM_COLUMNS:
            amount = amounts.get(name)
            if not amount:
                continue
            # A claim changes neither capacity nor usable, so the derived
            # columns move by the same amount, which is what a full
            # refresh would compute at a fraction of its cost per claim.
            # The sums are taken on Python integers read with item(),
            # because numpy's arithmetic on one element costs several
            # times more.
            delta = sign * amount
            claimed = cols[claimed_key]
            claimed[row] = claimed.item(row) + delta
            used = cols[used_key]
            used[row] = used.item(row) + delta
            free = cols[free_key].item(row) - delta
            cols[free_key][row] = free
            cols[fit_key][row] = min(free, cols[usable_key].item(row))
        cards = list(cards)
        if cards:
            # One scalar update per card: fancy indexing with a list costs
            # more than ten times as much for the one to eight cards here.
            used = cols['gpu_used']
            for card in cards:
                used[row, card] += sign * gpu_milli
            capacity.refresh_gpus(self._cols, row)
        instances = cols['instances']
        instances[row] = instances.item(row) + sign
        self.usage_log.record(row, len(self.names))

    def set_usage(self, row: int, claimed: Mapping[str, int],
                  external: Mapping[str, int], gpu_used: Iterable[int],
                  instances: int, last_report: float) -> None:
        """Overwrite a host's usage with totals kept outside this table.

        A shared state store calls it with the totals it read from its
        server, in place of applying each claim one at a time. Cards past
        the table's widest host are ignored.
        """
        cols = self._cols
        # Derived columns are recomputed only for what changed, because a
        # shared store calls this for every change another scheduler makes.
        for name in RESOURCES:
            new = (claimed.get(name, 0), external.get(name, 0))
            if new != (cols[name + '_claimed'][row],
                       cols[name + '_external'][row]):
                cols[name + '_claimed'][row] = new[0]
                cols[name + '_external'][row] = new[1]
                self._refresh_resource(name, row)
        width = cols['gpu_used'].shape[1]
        used = list(gpu_used)[:width]
        used += [0] * (width - len(used))
        if used != cols['gpu_used'][row].tolist():
            cols['gpu_used'][row] = used
            self._refresh_gpus(row)
        cols['instances'][row] = instances
        cols['last_report'][row] = last_report
        self.usage_log.record(row, len(self.names))
