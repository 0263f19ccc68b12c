"""Claims and selections: what a decision hands back to the caller."""

from __future__ import annotations

import dataclasses
import os


def new_claim_id() -> str:
    """Return a new claim identifier: a random (version 4) UUID as text.

    The text has the form of ``str(uuid.uuid4())`` and, as there, 122
    random bits from os.urandom. It is built without a uuid.UUID object,
    which takes more than half of the time of uuid4(), because every claim
    needs an identifier.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # the version, 4
    raw[8] = raw[8] & 0x3F | 0x80  # the variant of RFC 4122
    text = raw.hex()
    return '%s-%s-%s-%s-%s' % (text[:8], text[8:12], text[12:16],
                               text[16:20], text[20:])


@dataclasses.dataclass(frozen=True)
class Claim:
    """Resources held on one host for one instance until released.

    ``gpu_cards`` lists the cards the instance uses, each taking
    ``gpu_milli`` thousandths of its card.
    """

    claim_id: str
    host: str
    request_id: str
    memory_mb: int = 0
    vcpus_milli: int = 0
    disk_gb: int = 0
    gpu_cards: tuple[int, ...] = ()
    gpu_milli: int = 0
    group: str | None = None

    @property
    def amounts(self) -> dict[str, int]:
        return {'memory_mb': self.memory_mb,
                'vcpus_milli': self.vcpus_milli,
                'disk_gb': self.disk_gb}


@dataclasses.dataclass(frozen=True)
class Selection:
    """The host chosen for one instance, its claim, and alternate hosts.

    An alternate passed the filters in the same decision. A caller whose
    build fails on ``host`` may release the claim and claim an alternate
    with ``SchedulerManager.claim`` without scheduling again.
    """

    host: str
    claim: Claim
    alternates: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {'host': self.host,
                'claim_id': self.claim.claim_id,
                'alternates': list(self.alternates),
                'gpu_cards': list(self.claim.gpu_cards)}
