"""The state-store interface: where host state and claims are kept.

The manager decides on the store's host table and records every claim
through the store. The in-process store keeps both in this process. A store
shared between scheduler processes implements the same methods, so that
every process sees the claims that the others made.
"""

from __future__ import annotations

import abc
import collections
from collections.abc import Iterable, Mapping, Sequence
import threading

from oslo_config import cfg

from sora import exception
from sora.scheduler.capacity import RESOURCES
from sora.scheduler import checks
from sora.scheduler import fit
from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from sora.scheduler.selection import Claim
from sora.scheduler.selection import new_claim_id


class StateStore(abc.ABC):
    """Hosts and claims, changed only through these methods.

    ``lock`` serialises every change. The manager takes it for a whole
    decision, so a decision never sees a half-applied change and the next
    decision sees every claim of the one before.

    Every abstract method checks its arguments first, with the
    ``check_*`` functions of this module and of sora.scheduler.checks, or
    through ``new_claim``, and
    raises InvalidArgument for a value of the wrong type.
    """

    #: True when other processes share this store's hosts and claims. A
    #: manager on a shared store keeps the hosts it finds there at startup
    #: instead of loading its own inventory over them.
    shared = False

    def __init__(self, settings: CapacitySettings | None = None) -> None:
        self.lock = threading.RLock()
        self.hosts = HostTable(settings)

    @classmethod
    def from_conf(cls, conf: cfg.ConfigOpts) -> StateStore:
        """Build the store from the options in ``conf``."""
        return cls()

    def describe(self) -> str:
        """Return where the store keeps its state, for messages."""
        return 'this process'

    @abc.abstractmethod
    def load(self, hosts: Sequence[Host]) -> list[Claim]:
        """Replace the inventory with ``hosts``.

        Claims on hosts that remain are kept and applied to their new
        description. Claims on hosts that are gone, or on GPU cards that a
        host no longer has, are dropped and returned, so that the caller
        can log them.
        """

    @abc.abstractmethod
    def add_host(self, host: Host) -> None:
        """Add a new host; raise HostExists if the name is taken."""

    @abc.abstractmethod
    def update_host(self, host: Host) -> None:
        """Replace a host's description, keeping its claims.

        Raise HostNotFound if the host is unknown, and CardsInUse, changing
        nothing, if the new description has fewer GPU cards than a claim
        uses.
        """

    @abc.abstractmethod
    def remove_host(self, name: str, force: bool = False) -> list[Claim]:
        """Remove a host and return the claims dropped with it.

        Without ``force``, a host that holds claims is kept and HostHasClaims
        is raised.
        """

    @abc.abstractmethod
    def report(self, name: str, used: Mapping[str, int] | None = None,
               at: float | None = None) -> None:
        """Record a host's heartbeat and its usage outside sora."""

    @abc.abstractmethod
    def claim(self, host: str, request: RequestSpec) -> Claim:
        """Check that one instance fits on ``host`` and record its claim.

        Raise ClaimFailed, and record nothing, when it does not fit.
        """

    @abc.abstractmethod
    def release(self, claim_id: str) -> Claim:
        """Free a claim; raise ClaimNotFound, changing nothing, if unknown."""

    @abc.abstractmethod
    def claims(self, host: str | None = None) -> list[Claim]:
        """Return the claims held, on one host or on all of them."""

    @abc.abstractmethod
    def group_members(self, group: str) -> Mapping[str, int]:
        """Return how many instances of ``group`` each host holds."""

    def refresh(self, hosts: Iterable[str] | None = None) -> None:
        """Bring the local host table up to date with the shared state.

        The in-process store is always up to date, so this does nothing
        there.
        """

    def close(self) -> None:
        """Release connections; the in-process store has none."""


# Checks of the arguments of store methods. Every store method calls one
# first, so that a caller's mistake raises InvalidArgument before anything
# changes, not a TypeError from a dict lookup or a key. A daemon may call a
# store directly, without the manager's checks.


def check_text(argument: str, value: object, expected: str,
               none_allowed: bool = False) -> None:
    """Raise InvalidArgument unless ``value``, a name or id, is text.

    With ``none_allowed``, None is accepted too.
    """
    if not isinstance(value, str) and not (none_allowed and value is None):
        raise exception.InvalidArgument(argument, value,
                                        'expected %s as text' % expected)


def check_hosts(hosts: object) -> None:
    """Raise InvalidArgument unless ``hosts`` is a list or tuple of Host."""
    if not isinstance(hosts, (list, tuple)):
        raise exception.InvalidArgument(
            'hosts', hosts, 'expected a list of Host; build each with '
            'Host(name, ...) or Host.from_mapping()')
    for host in hosts:
        checks.check_host(host, 'hosts')


def check_removal(name: object, force: object) -> None:
    """Raise InvalidArgument unless remove_host's arguments are valid."""
    check_text('name', name, 'a host name')
    if not isinstance(force, bool):
        raise exception.InvalidArgument('force', force,
                                        'expected True or False')


def check_report(name: object, used: object, at: object
                 ) -> tuple[dict[str, int] | None, float | None]:
    """Return report's ``used`` with int amounts and ``at`` as a float.

    Raise InvalidArgument naming ``name``, ``used`` or ``at`` when one is
    not valid: a used amount must be an integer from 0 to
    ``units.MAX_AMOUNT``, and ``at`` as ``checks.check_report_time``
    accepts it.
    """
    check_text('name', name, 'a host name')
    amounts = None
    if used is not None:
        example = "such as {'memory_mb': 512}; the keys are %s" % (
            ', '.join(RESOURCES))
        if not isinstance(used, Mapping) or not set(used) <= set(RESOURCES):
            raise exception.InvalidArgument(
                'used', used, 'expected a mapping of resource to amount, '
                + example)
        try:
            amounts = checks.check_usage(used)
        except exception.InvalidRequest as error:
            raise exception.InvalidArgument('used', used, error.reason + ', '
                                            + example) from None
    if at is None:
        return amounts, None
    try:
        return amounts, checks.check_report_time(at)
    except exception.InvalidRequest as error:
        raise exception.InvalidArgument('at', at, error.reason) from None


def check_cards_kept(host: Host, claims: Iterable[Claim]) -> None:
    """Raise CardsInUse if ``host`` lacks a GPU card that a claim uses."""
    lost = [claim.claim_id for claim in claims
            if any(card >= host.gpus for card in claim.gpu_cards)]
    if lost:
        raise exception.CardsInUse(host.name, host.gpus, lost)


def new_claim(table: HostTable, host: str, request: RequestSpec) -> Claim:
    """Check that one instance fits on ``host`` and describe its claim.

    Raise InvalidArgument, HostNotFound or ClaimFailed. The claim gets a
    new id and the cards that the table's card choice gives; nothing is
    recorded.
    """
    check_text('host', host, 'a host name')
    if not isinstance(request, RequestSpec):
        raise exception.InvalidArgument(
            'request', request, 'expected a RequestSpec; build one with '
            'RequestSpec.build()')
    try:
        row = table.row(host)
    except KeyError:
        raise exception.HostNotFound(host) from None
    reason, cards = fit.claim_fit(table, row, request)
    if reason:
        raise exception.ClaimFailed(host, reason)
    return Claim(
        claim_id=new_claim_id(),
        host=host,
        request_id=request.request_id,
        memory_mb=request.memory_mb,
        vcpus_milli=request.vcpus_milli,
        disk_gb=request.disk_gb,
        gpu_cards=tuple(cards),
        gpu_milli=request.gpu_milli if cards else 0,
        group=request.group)


class GroupIndex:
    """Counts of group members per host, kept in step with the claims."""

    def __init__(self) -> None:
        self._members: dict[str, collections.Counter] = {}

    def add(self, claim: Claim) -> None:
        if claim.group:
            self._members.setdefault(claim.group,
                                     collections.Counter())[claim.host] += 1

    def remove(self, claim: Claim) -> None:
        if not claim.group:
            return
        members = self._members.get(claim.group)
        if members is None:
            return
        members[claim.host] -= 1
        if members[claim.host] <= 0:
            del members[claim.host]
        if not members:
            del self._members[claim.group]

    def members(self, group: str) -> Mapping[str, int]:
        return dict(self._members.get(group, {}))
