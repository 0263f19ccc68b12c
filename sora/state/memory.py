"""The in-process state store, the default for an embedded scheduler."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from oslo_log import log as logging

from sora import exception
from sora.scheduler import checks
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.scheduler.selection import Claim
from sora.state import base

LOG = logging.getLogger(__name__)


class InProcessStore(base.StateStore):
    """Hosts and claims kept in this process's memory."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._claims: dict[str, Claim] = {}
        self._by_host: dict[str, set[str]] = {}
        self._groups = base.GroupIndex()

    def load(self, hosts: Sequence[Host]) -> list[Claim]:
        base.check_hosts(hosts)
        with self.lock:
            cards = {h.name: h.gpus for h in hosts}
            # A claim stays only if its host remains with every card it
            # uses; a host that lost cards cannot hold that claim any more.
            dropped = [c for c in self._claims.values()
                       if c.host not in cards
                       or any(card >= cards[c.host] for card in c.gpu_cards)]
            for claim in dropped:
                self._forget(claim)
            self.hosts.replace_all(hosts)
            for claim in self._claims.values():
                self._apply(claim, 1)
            return dropped

    def add_host(self, host: Host) -> None:
        checks.check_host(host)
        with self.lock:
            if host.name in self.hosts:
                raise exception.HostExists(host.name)
            self.hosts.add(host)

    def update_host(self, host: Host) -> None:
        checks.check_host(host)
        with self.lock:
            if host.name not in self.hosts:
                raise exception.HostNotFound(host.name)
            base.check_cards_kept(host, (
                self._claims[claim_id]
                for claim_id in self._by_host.get(host.name, ())))
            self.hosts.update(host)

    def remove_host(self, name: str, force: bool = False) -> list[Claim]:
        base.check_removal(name, force)
        with self.lock:
            if name not in self.hosts:
                raise exception.HostNotFound(name)
            held = sorted(self._by_host.get(name, ()))
            if held and not force:
                raise exception.HostHasClaims(name, held)
            dropped = [self._claims[claim_id] for claim_id in held]
            for claim in dropped:
                self._forget(claim)
            self.hosts.remove(name)
            return dropped

    def report(self, name: str, used: Mapping[str, int] | None = None,
               at: float | None = None) -> None:
        used, at = base.check_report(name, used, at)
        with self.lock:
            if name not in self.hosts:
                raise exception.HostNotFound(name)
            self.hosts.report(self.hosts.row(name), used, at)

    def claim(self, host: str, request: RequestSpec) -> Claim:
        with self.lock:
            claim = base.new_claim(self.hosts, host, request)
            self._claims[claim.claim_id] = claim
            self._by_host.setdefault(host, set()).add(claim.claim_id)
            self._groups.add(claim)
            self._apply(claim, 1)
            return claim

    def release(self, claim_id: str) -> Claim:
        base.check_text('claim_id', claim_id, 'a claim id')
        with self.lock:
            claim = self._claims.get(claim_id)
            if claim is None:
                raise exception.ClaimNotFound(claim_id)
            self._apply(claim, -1)
            self._forget(claim)
            return claim

    def claims(self, host: str | None = None) -> list[Claim]:
        base.check_text('host', host, 'a host name or None', True)
        with self.lock:
            if host is None:
                return list(self._claims.values())
            return [self._claims[c] for c in self._by_host.get(host, ())]

    def group_members(self, group: str) -> Mapping[str, int]:
        base.check_text('group', group, 'a server group name')
        with self.lock:
            return self._groups.members(group)

    def _apply(self, claim: Claim, sign: int) -> None:
        row = self.hosts.row(claim.host)
        self.hosts.apply(row, claim.amounts, claim.gpu_cards,
                         claim.gpu_milli, sign)

    def _forget(self, claim: Claim) -> None:
        del self._claims[claim.claim_id]
        held = self._by_host.get(claim.host)
        if held is not None:
            held.discard(claim.claim_id)
            if not held:
                del self._by_host[claim.host]
        self._groups.remove(claim)
