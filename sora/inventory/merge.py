"""Apply a change in the inventory source to a scheduler's host state.

A daemon reads its inventory source again on every reload. Between two
reads it may also have changed hosts through the manager API: added a host
the source never listed, disabled one, or recorded its usage. A reload must
apply only what changed in the source and keep the rest, so the new host
list is a three-way merge of the source at the last read, the source now,
and the current host state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import dataclasses

from sora.scheduler.host import Host
from sora.scheduler.selection import Claim


@dataclasses.dataclass(frozen=True)
class InventoryChange:
    """The hosts that a reload adds, removes and updates, by name."""

    hosts: list[Host]
    added: list[str]
    removed: list[str]
    updated: list[str]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.updated)


def merge_inventory(previous: Sequence[Host], current: Sequence[Host],
                    state: Mapping[str, Host]) -> InventoryChange:
    """Return the host list after applying a change of the source.

    ``previous`` is what the source listed at the last read, ``current``
    what it lists now, and ``state`` the scheduler's current hosts, by
    name. A host that the source

    * newly lists is added, or replaced if the API had added one of that
      name;
    * no longer lists is removed;
    * lists with a changed entry gets the new entry;
    * lists unchanged keeps its current state, so changes made through the
      API and reported usage stay. If the API removed it, it stays removed.

    Hosts that the source never listed, added through the API, are kept.
    """
    before = {host.name: host for host in previous}
    after = {host.name: host for host in current}
    merged: dict[str, Host] = {}
    added, removed, updated = [], [], []

    for name, host in state.items():
        if name not in before and name not in after:
            merged[name] = host

    for name, host in after.items():
        old = before.get(name)
        if old is None:
            merged[name] = host
            added.append(name)
        elif old != host:
            merged[name] = host
            updated.append(name)
        elif name in state:
            merged[name] = state[name]

    for name in before:
        if name not in after and name in state:
            removed.append(name)

    return InventoryChange(sorted(merged.values(), key=lambda h: h.name),
                           sorted(added), sorted(removed), sorted(updated))


def drop_reason(claim: Claim, hosts: Mapping[str, Host]) -> str:
    """Return why a new inventory dropped ``claim``, for messages.

    ``hosts`` maps each host of the new inventory by name. A claim is
    dropped when its host is gone, or when the host now has fewer GPU
    cards than the card numbers the claim used.
    """
    host = hosts.get(claim.host)
    if host is None:
        return 'host %s left the inventory' % claim.host
    gone = [card for card in claim.gpu_cards if card >= host.gpus]
    return 'GPU card %s it used is gone from host %s, which now has %d ' \
        'card(s)' % (', '.join(map(str, gone)), claim.host, host.gpus)
