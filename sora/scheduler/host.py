"""The description of one host, as an inventory source provides it."""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses

from sora.scheduler import units

MAX_NAME_LENGTH = 255
"""The longest host name, in characters."""

# The fields that hold a whole number, with the largest value of each.
_COUNT_FIELDS = tuple(
    (field, units.MAX_GPUS if field == 'gpus' else units.MAX_AMOUNT)
    for field in ('memory_mb', 'vcpus_milli', 'disk_gb', 'gpus',
                  'memory_mb_used', 'vcpus_milli_used', 'disk_gb_used'))


@dataclasses.dataclass(frozen=True)
class Host:
    """A host's capacity, usage outside sora, and placement attributes.

    Memory is in MiB, CPUs in thousandths of a CPU, disk in GiB. Usage here
    is what the host reports as used by things sora did not place; claims
    made through sora are tracked by the manager on top of it. An allocation
    ratio of None means that the ``[filter_scheduler]`` option applies.

    Amounts are at most ``units.MAX_AMOUNT`` (2**48), ratios at most
    ``units.MAX_RATIO`` (1000) and GPU cards at most ``units.MAX_GPUS``
    (64). Names are compared case-sensitively, so ``Node1`` and ``node1``
    are two hosts; a name has at most MAX_NAME_LENGTH (255) printable
    characters, without leading or trailing whitespace. Zones, GPU models
    and label keys and values must be text: numbers are refused, not
    converted. A label key must not be empty. Like names, zones, GPU models
    and label keys and values must be printable, without control
    characters, line breaks or invisible format characters such as U+202E,
    and without leading or trailing whitespace.
    """

    name: str
    memory_mb: int = 0
    vcpus_milli: int = 0
    disk_gb: int = 0
    gpus: int = 0
    gpu_model: str = ''
    zone: str = ''
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    enabled: bool = True
    memory_mb_used: int = 0
    vcpus_milli_used: int = 0
    disk_gb_used: int = 0
    cpu_allocation_ratio: float | None = None
    ram_allocation_ratio: float | None = None
    disk_allocation_ratio: float | None = None

    def __post_init__(self) -> None:
        check_name(self.name)
        for field, maximum in _COUNT_FIELDS:
            value = getattr(self, field)
            # A plain int within bounds is by far the most common value, so
            # it is let through first. A bool's type is bool, not int.
            if type(value) is int and 0 <= value <= maximum:
                continue
            if not units.is_integer(value):
                raise units.FieldError(field, value, 'expected an integer')
            if value < 0:
                raise units.FieldError(field, value, 'must not be negative')
            units.check_maximum(field, value, value, maximum)
            # A numpy integer is stored as an int, which JSON can encode.
            object.__setattr__(self, field, int(value))
        for field in ('cpu_allocation_ratio', 'ram_allocation_ratio',
                      'disk_allocation_ratio'):
            value = getattr(self, field)
            if value is not None:
                if isinstance(value, (bool, str)):
                    raise units.FieldError(field, value, 'expected a number')
                units.parse_ratio(field, value)
        for field in ('gpu_model', 'zone'):
            if not isinstance(getattr(self, field), str):
                raise units.FieldError(field, getattr(self, field),
                                       'expected text; quote it')
            check_text(field, getattr(self, field), getattr(self, field))
        if not isinstance(self.enabled, bool):
            raise units.FieldError('enabled', self.enabled,
                                   'expected true or false')
        check_labels(self.labels)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object]) -> Host:
        """Build a Host from loosely typed input, such as a JSON object.

        Numbers may be given as text. CPUs are given as ``vcpus`` (fractions
        allowed) or ``vcpus_milli``. Unknown keys raise FieldError so that a
        misspelt field is never silently ignored.
        """
        known = {f.name for f in dataclasses.fields(cls)} | {
            'vcpus', 'vcpus_used'}
        for key in data:
            if key not in known:
                raise units.FieldError(key, data[key], 'unknown field; valid '
                                       'fields are %s' % ', '.join(
                                           sorted(known)))

        values: dict[str, object] = {'name': data.get('name')}
        for field in ('memory_mb', 'disk_gb', 'gpus', 'memory_mb_used',
                      'disk_gb_used'):
            if field in data:
                values[field] = units.parse_count(field, data[field], (
                    units.MAX_GPUS if field == 'gpus' else units.MAX_AMOUNT))
        for field, milli_field in (('vcpus', 'vcpus_milli'),
                                   ('vcpus_used', 'vcpus_milli_used')):
            if field in data and milli_field in data:
                raise units.FieldError(field, data[field], 'give either %s '
                                       'or %s, not both' % (field,
                                                            milli_field))
            if field in data:
                values[milli_field] = units.parse_milli(field, data[field])
            elif milli_field in data:
                values[milli_field] = units.parse_count(milli_field,
                                                        data[milli_field])
        for field in ('cpu_allocation_ratio', 'ram_allocation_ratio',
                      'disk_allocation_ratio'):
            if data.get(field) is not None:
                values[field] = units.parse_ratio(field, data[field])
        for field in ('gpu_model', 'zone'):
            if data.get(field) is not None:
                values[field] = data[field]
        if 'enabled' in data:
            values['enabled'] = units.parse_bool('enabled', data['enabled'])
        if 'labels' in data:
            check_labels(data['labels'])
            values['labels'] = dict(data['labels'])  # type: ignore
        return cls(**values)  # type: ignore[arg-type]


def check_name(name: object) -> None:
    """Raise FieldError unless ``name`` can name a host."""
    if name is not None and not isinstance(name, str):
        raise units.FieldError('name', name, 'a host name must be text, not '
                               '%s; quote it' % _type_name(name))
    if name is None or not name.strip():
        raise units.FieldError('name', name, 'expected a non-empty host name')
    if name != name.strip():
        raise units.FieldError('name', name, 'remove the leading or '
                               'trailing whitespace')
    if not name.isprintable():
        raise units.FieldError('name', name, 'remove the control '
                               'characters or line breaks')
    if len(name) > MAX_NAME_LENGTH:
        raise units.FieldError('name', name, 'must be at most %d characters, '
                               'not %d' % (MAX_NAME_LENGTH, len(name)))


def _type_name(value: object) -> str:
    """Return the JSON name of a value's type, for messages."""
    kinds = {bool: 'a boolean', int: 'a number', float: 'a number',
             list: 'a list', dict: 'an object'}
    return kinds.get(type(value), type(value).__name__)


def check_labels(labels: object) -> None:
    """Raise FieldError unless ``labels`` maps text keys to text values."""
    if not isinstance(labels, Mapping):
        raise units.FieldError('labels', labels,
                               'expected a mapping of key to value')
    for key, value in labels.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise units.FieldError('labels', {key: value},
                                   'label keys and values must be text; '
                                   'quote numbers')
        if not key:
            raise units.FieldError('labels', {key: value},
                                   'a label key must not be empty')
        check_text('labels', key, {key: value})
        check_text('labels', value, {key: value})


def check_text(field: str, text: str, value: object) -> None:
    """Raise FieldError, showing ``value``, unless ``text`` is exact text.

    A zone, GPU model or label is matched exactly against requests, so a
    control character, line break, invisible format character or padding
    in one is a mistake that would make the host miss every request for
    it. A control character must not reach a terminal raw either.
    """
    problem = units.text_problem(text)
    if problem:
        raise units.FieldError(field, value, problem)
