"""The keys that the etcd store writes and the JSON kept in each of them.

Under the configured prefix ``P`` (which ends with ``/``):

* ``P state/hosts/NAME``: the host's description, as ``Host`` fields.
* ``P state/usage/NAME``: the host's usage: the sum of sora's claims on it,
  the cards they use, how many there are, and the usage that the host
  reports outside sora. Every write to a host also writes this key, so its
  ``mod_revision`` is the host's revision that a claim compares. The claim
  ids are not kept here: every scheduler receives every write of this key
  through its watch, so its size is paid once per scheduler per claim.
* ``P state/groups/GROUP``: how many instances of a group each host holds.
* ``P claims/ID``: one claim.

Schedulers watch ``P state/`` to keep their host table current. Claims are
read only when a caller asks for them, so they sit outside that range.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
import json

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.host_table import RESOURCES
from sora.scheduler.selection import Claim
from sora.scheduler import units

HOSTS = 'state/hosts/'
USAGE = 'state/usage/'
GROUPS = 'state/groups/'
CLAIMS = 'claims/'
STATE = 'state/'


class Keys:
    """Builds and parses the keys under one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix if prefix.endswith('/') else prefix + '/'
        self.state = self.prefix + STATE
        self.claims = self.prefix + CLAIMS

    def host(self, name: str) -> str:
        return self.prefix + HOSTS + name

    def usage(self, name: str) -> str:
        return self.prefix + USAGE + name

    def group(self, name: str) -> str:
        return self.prefix + GROUPS + name

    def claim(self, claim_id: str) -> str:
        return self.prefix + CLAIMS + claim_id

    def parse(self, key: str) -> tuple[str, str] | None:
        """Return (kind, name) for a key under the prefix, or None.

        ``kind`` is one of the module's HOSTS, USAGE, GROUPS or CLAIMS.
        """
        if not key.startswith(self.prefix):
            return None
        rest = key[len(self.prefix):]
        for kind in (HOSTS, USAGE, GROUPS, CLAIMS):
            if rest.startswith(kind) and len(rest) > len(kind):
                return kind, rest[len(kind):]
        return None


# json.dumps builds a new encoder for every call with these settings.
_dumps = json.JSONEncoder(separators=(',', ':'), sort_keys=True).encode


def _loads(key: str, value: bytes) -> dict:
    try:
        data = json.loads(value)
    except ValueError as error:
        raise exception.InvalidInventory(
            'etcd', key, None, value[:80], 'not valid JSON (%s); delete the '
            'key or load the inventory again' % error) from None
    except RecursionError:
        raise exception.InvalidInventory(
            'etcd', key, None, value[:80], 'not a record: arrays or objects '
            'are nested deeper than Python can parse; delete the key or '
            'load the inventory again') from None
    if not isinstance(data, dict):
        raise exception.InvalidInventory(
            'etcd', key, None, data, 'expected a JSON object')
    return data


@dataclasses.dataclass
class Usage:
    """The usage of one host: sora's claims plus its usage outside sora.

    ``gpu_used`` gives each card's used share in thousandths.
    ``instances`` counts the claims on the host.
    """

    claimed: dict[str, int] = dataclasses.field(
        default_factory=lambda: {name: 0 for name in RESOURCES})
    gpu_used: list[int] = dataclasses.field(default_factory=list)
    instances: int = 0
    external: dict[str, int] = dataclasses.field(
        default_factory=lambda: {name: 0 for name in RESOURCES})
    last_report: float = 0.0

    @classmethod
    def for_host(cls, host: Host, now: float) -> Usage:
        """Return the usage of a host that has no claims yet."""
        return cls(gpu_used=[0] * host.gpus, external=external_of(host),
                   last_report=now)

    def copy(self) -> Usage:
        return Usage(dict(self.claimed), list(self.gpu_used),
                     self.instances, dict(self.external),
                     self.last_report)

    def add(self, claim: Claim, sign: int) -> Usage:
        """Return the usage with a claim added (sign 1) or removed (-1)."""
        new = self.copy()
        for name, amount in claim.amounts.items():
            new.claimed[name] = new.claimed.get(name, 0) + sign * amount
        for card in claim.gpu_cards:
            if card >= len(new.gpu_used):
                new.gpu_used.extend([0] * (card + 1 - len(new.gpu_used)))
            new.gpu_used[card] += sign * claim.gpu_milli
        new.instances += sign
        return new

    def encode(self) -> str:
        return _dumps({'claimed': self.claimed, 'gpu_used': self.gpu_used,
                       'instances': self.instances,
                       'external': self.external,
                       'last_report': self.last_report})

    @classmethod
    def decode(cls, key: str, value: bytes) -> Usage:
        data = _loads(key, value)
        try:
            return cls(
                claimed={name: int(data['claimed'].get(name, 0))
                         for name in RESOURCES},
                gpu_used=[int(v) for v in data.get('gpu_used', [])],
                instances=_instances(data),
                external={name: int(data['external'].get(name, 0))
                          for name in RESOURCES},
                last_report=float(data.get('last_report', 0.0)))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise exception.InvalidInventory(
                'etcd', key, None, data, 'not a usage record (%s); load the '
                'inventory again' % error) from None


def _instances(data: dict) -> int:
    # Records written before the count existed list the claim ids instead.
    if 'instances' in data:
        return int(data['instances'])
    return len(data.get('claims', []))


def external_of(host: Host) -> dict[str, int]:
    """Return the usage outside sora that a host description gives."""
    return {name: getattr(host, name + '_used') for name in RESOURCES}


def encode_host(host: Host) -> str:
    data = dataclasses.asdict(host)
    data['labels'] = dict(host.labels)
    return _dumps(data)


def decode_host(key: str, value: bytes) -> Host:
    data = _loads(key, value)
    try:
        return Host(**data)
    except (TypeError, units.FieldError) as error:
        raise exception.InvalidInventory(
            'etcd', key, None, data, 'not a host record (%s); load the '
            'inventory again' % error) from None


_CLAIM_FIELDS = tuple(field.name for field in dataclasses.fields(Claim))


def encode_claim(claim: Claim) -> str:
    fields = {name: getattr(claim, name) for name in _CLAIM_FIELDS}
    fields['gpu_cards'] = list(claim.gpu_cards)
    return _dumps(fields)


def decode_claim(key: str, value: bytes) -> Claim:
    data = _loads(key, value)
    try:
        data['gpu_cards'] = tuple(data.get('gpu_cards', ()))
        return Claim(**data)
    except TypeError as error:
        raise exception.InvalidInventory(
            'etcd', key, None, data, 'not a claim record (%s)' % error
        ) from None


def encode_group(members: Mapping[str, int]) -> str:
    return _dumps(dict(members))


def decode_group(key: str, value: bytes) -> dict[str, int]:
    data = _loads(key, value)
    return {str(host): int(count) for host, count in data.items()}
