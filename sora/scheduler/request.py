"""What a caller asks the scheduler to place."""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
import uuid

from sora import exception
from sora.scheduler import units

GROUP_POLICIES = ('affinity', 'anti-affinity')


@dataclasses.dataclass(frozen=True)
class RequestSpec:
    """The resources and constraints of one placement request.

    Each of the ``num_instances`` instances asks for the amounts given here.
    Memory is in MiB, CPUs in thousandths of a CPU, disk in GiB. ``gpus`` is
    a count of cards; with ``gpus == 1``, ``gpu_milli`` below 1000 asks for
    a share of one card, in thousandths, that other instances may share.
    """

    memory_mb: int = 0
    vcpus_milli: int = 0
    disk_gb: int = 0
    gpus: int = 0
    gpu_milli: int = 1000
    gpu_models: frozenset[str] = frozenset()
    num_instances: int = 1
    availability_zone: str | None = None
    required_labels: Mapping[str, str] = dataclasses.field(
        default_factory=dict)
    group: str | None = None
    group_policy: str | None = None
    max_per_host: int | None = None
    same_host: frozenset[str] = frozenset()
    different_host: frozenset[str] = frozenset()
    request_id: str = dataclasses.field(
        default_factory=lambda: 'req-' + str(uuid.uuid4()))

    def __post_init__(self) -> None:
        for field in ('memory_mb', 'vcpus_milli', 'disk_gb', 'gpus',
                      'gpu_milli'):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int):
                raise exception.InvalidRequest(field, value,
                                               'expected an integer')
            if value < 0:
                raise exception.InvalidRequest(field, value,
                                               'must not be negative')
        if isinstance(self.num_instances, bool) or not isinstance(
                self.num_instances, int) or self.num_instances < 1:
            raise exception.InvalidRequest('num_instances',
                                           self.num_instances,
                                           'expected an integer of 1 or more')
        if self.gpus and not 1 <= self.gpu_milli <= 1000:
            raise exception.InvalidRequest(
                'gpu_milli', self.gpu_milli,
                'expected a share from 1 to 1000 thousandths of a card')
        if self.gpus > 1 and self.gpu_milli != 1000:
            raise exception.InvalidRequest(
                'gpu_milli', self.gpu_milli,
                'a share below a whole card is only valid with gpus=1; '
                'ask for whole cards when gpus is %d' % self.gpus)
        if self.group_policy is not None:
            if self.group_policy not in GROUP_POLICIES:
                raise exception.InvalidRequest(
                    'group_policy', self.group_policy,
                    'expected one of %s' % ', '.join(GROUP_POLICIES))
            if not self.group:
                raise exception.InvalidRequest(
                    'group', self.group, 'a group_policy needs a group name')
        if self.max_per_host is not None and (
                isinstance(self.max_per_host, bool)
                or not isinstance(self.max_per_host, int)
                or self.max_per_host < 1):
            raise exception.InvalidRequest('max_per_host', self.max_per_host,
                                           'expected an integer of 1 or more')

    @property
    def gpu_share_milli(self) -> int:
        """Thousandths of GPU cards that one instance takes in total."""
        if not self.gpus:
            return 0
        return self.gpus * self.gpu_milli

    @classmethod
    def build(cls, memory_mb: object = 0, vcpus: object = 0,
              disk_gb: object = 0, gpus: object = 0,
              gpu_milli: object | None = None, **kwargs: object
              ) -> RequestSpec:
        """Build a request from loosely typed values, such as CLI flags.

        ``vcpus`` may be a fraction and is kept exact in thousandths. Any
        value that is not a valid amount raises InvalidRequest naming it.
        """
        try:
            values = {
                'memory_mb': units.parse_count('memory_mb', memory_mb),
                'vcpus_milli': units.parse_milli('vcpus', vcpus),
                'disk_gb': units.parse_count('disk_gb', disk_gb),
                'gpus': units.parse_count('gpus', gpus),
            }
            if gpu_milli is not None:
                values['gpu_milli'] = units.parse_count('gpu_milli',
                                                        gpu_milli)
        except units.FieldError as error:
            raise exception.InvalidRequest(error.field, error.value,
                                           error.reason) from None
        values.update(kwargs)
        for field in ('gpu_models', 'same_host', 'different_host'):
            if field in values and not isinstance(values[field], frozenset):
                values[field] = frozenset(values[field])  # type: ignore
        return cls(**values)  # type: ignore[arg-type]
