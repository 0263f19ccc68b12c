"""The placement request: the resources and constraints of new instances."""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
import difflib
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
    ``build`` refuses ``gpu_milli`` below 1000 without ``gpus`` rather
    than ignoring it.

    Amounts are at most ``units.MAX_AMOUNT`` (2**48) and ``gpus`` at most
    ``units.MAX_GPUS`` (64). ``gpu_models``, ``same_host`` and
    ``different_host`` are frozensets of non-empty names;
    ``required_labels`` maps non-empty text keys to text values, and
    ``group`` is a non-empty name or None. ``availability_zone`` of None or
    an empty string both mean that the request names no zone.
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
        self._check_amounts()
        self._check_types()
        if type(self.num_instances) is not int:
            self._store_integer('num_instances')
        if not units.is_integer(self.num_instances) or not (
                1 <= self.num_instances <= units.MAX_INSTANCES):
            raise exception.InvalidRequest(
                'num_instances', self.num_instances,
                'expected an integer from 1 to %d' % units.MAX_INSTANCES)
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
                    'group_policy', self.group_policy, 'needs a group; set '
                    'group to the name of the server group')
        if self.max_per_host is not None:
            self._store_integer('max_per_host')
            if not units.is_integer(self.max_per_host) \
                    or self.max_per_host < 1:
                raise exception.InvalidRequest(
                    'max_per_host', self.max_per_host,
                    'expected an integer of 1 or more')

    def _check_amounts(self) -> None:
        # A replay builds a request per workload of a trace, so amounts that
        # are plain integers within bounds, as nearly all are, pass with
        # one test each. Only a failing value takes the loop below, which
        # names it.
        amounts = (self.memory_mb, self.vcpus_milli, self.disk_gb,
                   self.gpu_milli)
        if (type(self.gpus) is int and 0 <= self.gpus <= units.MAX_GPUS
                and all(type(value) is int
                        and 0 <= value <= units.MAX_AMOUNT
                        for value in amounts)):
            return
        for field in ('memory_mb', 'vcpus_milli', 'disk_gb', 'gpus',
                      'gpu_milli'):
            value = getattr(self, field)
            if not units.is_integer(value):
                raise exception.InvalidRequest(field, value,
                                               'expected an integer')
            if value < 0:
                raise exception.InvalidRequest(field, value,
                                               'must not be negative')
            maximum = units.MAX_GPUS if field == 'gpus' else units.MAX_AMOUNT
            if value > maximum:
                raise exception.InvalidRequest(
                    field, value,
                    'must be at most %d; use a smaller value' % maximum)
            self._store_integer(field)

    def _store_integer(self, field: str) -> None:
        """Store a numpy integer in ``field`` as an int, which JSON encodes.

        Any other value is left for the caller to check.
        """
        value = getattr(self, field)
        if units.is_integer(value) and type(value) is not int:
            object.__setattr__(self, field, int(value))

    def _check_types(self) -> None:
        for field in ('gpu_models', 'same_host', 'different_host'):
            value = getattr(self, field)
            if type(value) is frozenset and not value:
                continue
            if not isinstance(value, frozenset) or not all(
                    isinstance(name, str) and name for name in value):
                raise exception.InvalidRequest(
                    field, value, "expected a frozenset of non-empty names, "
                    "such as %s=frozenset({'%s'})"
                    % (field, _NAME_EXAMPLES[field]))
        labels = self.required_labels
        if not _is_text_mapping(labels):
            raise exception.InvalidRequest(
                'required_labels', labels,
                'expected a mapping of text keys to text values, such as '
                "{'rack': 'r1'}")
        if '' in labels:
            raise exception.InvalidRequest(
                'required_labels', labels, 'a label key must not be empty')
        for field in ('availability_zone', 'group', 'group_policy'):
            value = getattr(self, field)
            if value is not None and not isinstance(value, str):
                raise exception.InvalidRequest(field, value,
                                               'expected text or None')
        if self.group == '':
            raise exception.InvalidRequest(
                'group', self.group, 'expected a non-empty group name, or '
                'None for no group')
        self._check_exact_text()
        if not isinstance(self.request_id, str) or not self.request_id:
            raise exception.InvalidRequest('request_id', self.request_id,
                                           'expected a non-empty text id')

    def _check_exact_text(self) -> None:
        """Raise InvalidRequest for a name that no host can match.

        Host names, zones, GPU models and labels never contain control
        characters or padding (units.text_problem), so such a name in a
        request is a mistake that would leave no host.
        """
        labels = self.required_labels
        fields = (
            ('availability_zone', self.availability_zone,
             [self.availability_zone or '']),
            ('gpu_models', self.gpu_models, self.gpu_models),
            ('same_host', self.same_host, self.same_host),
            ('different_host', self.different_host, self.different_host),
            ('required_labels', labels,
             list(labels.keys()) + list(labels.values())))
        for field, value, names in fields:
            for name in names:
                problem = units.text_problem(name)
                if problem:
                    raise exception.InvalidRequest(
                        field, value, problem + ', because no host has '
                        'such a name')

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
        ``gpu_models``, ``same_host`` and ``different_host`` take any
        iterable of names; a single string counts as one name, and bytes
        or a mapping raise InvalidRequest. Other
        keywords are the fields of RequestSpec, and an unknown keyword
        raises InvalidRequest naming it and the known ones.
        """
        _check_keywords(kwargs)
        if 'vcpus_milli' in kwargs:
            # The two would disagree, and the field would win silently.
            raise exception.InvalidRequest(
                'vcpus_milli', kwargs['vcpus_milli'], 'build() takes the '
                'CPUs as vcpus, which may be a fraction such as 0.5; pass '
                'vcpus instead, or build RequestSpec(vcpus_milli=...) '
                'directly')
        try:
            values = {
                'memory_mb': units.parse_count('memory_mb', memory_mb),
                'vcpus_milli': units.parse_milli('vcpus', vcpus),
                'disk_gb': units.parse_count('disk_gb', disk_gb),
                'gpus': units.parse_count('gpus', gpus, units.MAX_GPUS),
            }
            if gpu_milli is not None:
                values['gpu_milli'] = units.parse_count('gpu_milli',
                                                        gpu_milli)
        except units.FieldError as error:
            raise exception.InvalidRequest(error.field, error.value,
                                           error.reason) from None
        if not values['gpus'] and values.get('gpu_milli', 1000) < 1000:
            raise exception.InvalidRequest(
                'gpu_milli', gpu_milli,
                'a share of a card needs gpus=1; set gpus or drop gpu_milli')
        values.update(kwargs)
        for field in _NAME_EXAMPLES:
            if field in values:
                values[field] = _name_set(field, values[field])
        return cls(**values)  # type: ignore[arg-type]


# The fields that hold a set of names, with a name to show in examples.
_NAME_EXAMPLES = {'gpu_models': 'A100', 'same_host': 'host1',
                  'different_host': 'host1'}


def _name_set(field: str, value: object) -> frozenset[str]:
    """Return the names given for ``field`` as a frozenset.

    A single string is one name. Bytes, a mapping, or any name that is not
    non-empty text raise InvalidRequest with an example of a valid value.
    """
    if isinstance(value, str):
        return frozenset([value])

    example = "%s=['%s']" % (field, _NAME_EXAMPLES[field])
    if isinstance(value, (bytes, bytearray, memoryview)):
        # frozenset() would take bytes as a set of integers.
        raise exception.InvalidRequest(
            field, value, 'expected a name or a list of names as text, not '
            'bytes; decode the bytes first, as in %s' % example)

    names = None
    if not isinstance(value, Mapping):
        try:
            names = frozenset(value)  # type: ignore[arg-type]
        except TypeError:
            pass
    if names is None or not all(isinstance(name, str) and name
                                for name in names):
        raise exception.InvalidRequest(
            field, value, 'expected a name or a list of names, each '
            'non-empty text, such as %s' % example)
    return names


# The keywords of RequestSpec.build: the amounts it parses, then every
# other field of RequestSpec.
_PARSED = ('memory_mb', 'vcpus', 'disk_gb', 'gpus', 'gpu_milli')
_BUILD_KEYWORDS = _PARSED + tuple(
    field.name for field in dataclasses.fields(RequestSpec)
    if field.name not in _PARSED)


def _check_keywords(kwargs: Mapping[str, object]) -> None:
    """Raise InvalidRequest for a keyword that build does not take."""
    for name, value in kwargs.items():
        if name in _BUILD_KEYWORDS:
            continue
        close = difflib.get_close_matches(name, _BUILD_KEYWORDS, n=1)
        hint = ' Did you mean %s?' % close[0] if close else ''
        raise exception.InvalidRequest(
            name, value, 'unknown field.%s Known fields: %s'
            % (hint, ', '.join(_BUILD_KEYWORDS)))


def _is_text_mapping(value: object) -> bool:
    """Return whether ``value`` maps text keys to text values."""
    if type(value) is dict and not value:
        # The default, checked first because nearly every request has it.
        return True
    return isinstance(value, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())
