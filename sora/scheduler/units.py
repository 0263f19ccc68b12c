"""Parse and check the numbers that hosts and requests are made of.

Inventories and command lines give numbers as text as often as as numbers, so
every field goes through these helpers. They compare numbers as numbers,
reject what is not a finite amount, and keep CPUs exact in thousandths.

Every amount has an upper bound, because the scheduler computes capacity as
``amount * allocation ratio`` in 64-bit integers. With amounts up to
MAX_AMOUNT (2**48: MiB, GiB or thousandths of a CPU) and ratios up to
MAX_RATIO (1000), every product stays below 2**58.
"""

from __future__ import annotations

import decimal
import math

import numpy as np

from sora import exception

MAX_AMOUNT = 2 ** 48
"""The largest memory in MiB, disk in GiB or CPUs in thousandths."""

MAX_RATIO = 1000.0
"""The largest allocation ratio."""

MAX_GPUS = 64
"""The largest number of GPU cards on one host or in one request."""

MAX_INSTANCES = 10000
"""The maximum number of instances in one request."""

MAX_MULTIPLIER = 1e6
"""The largest weigher multiplier, positive or negative.

Weights are scaled to 0 to 1 before they are multiplied, so only the ratio
between multipliers matters, and a ratio of a million already lets one
weigher decide unless its weights tie. The bound keeps any sum of weighted
scores far from float overflow.
"""

# The most digits that parse_count converts with int() directly, well
# below Python's limit of 4300 digits for int() of a text.
_SHORT_DIGITS = 18


class FieldError(exception.InvalidValue, ValueError):
    """A single field has a value that is not valid; ``field`` names it."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__('%s=%s: %s' % (exception.shown_name(field),
                                        exception.shown(value), reason))


def is_integer(value: object) -> bool:
    """Return whether ``value`` is a Python or numpy integer, not a bool.

    Every public function that takes a whole number accepts these types
    and stores the value as an int, so that a numpy integer read from an
    array can be encoded as JSON like any other.
    """
    return (isinstance(value, (int, np.integer))
            and not isinstance(value, bool))


def text_problem(text: str) -> str | None:
    """Return how to fix a name that cannot be matched exactly, or None.

    Names, zones, GPU models and labels are compared exactly, so a control
    character, line break, invisible format character or padding in one
    is a mistake. The result is the fix to show in the error.
    """
    if not text.isprintable():
        return 'remove the control characters or line breaks'
    if text != text.strip():
        return 'remove the leading or trailing whitespace'
    return None


def _to_decimal(field: str, value: object) -> decimal.Decimal:
    if isinstance(value, bool) or value is None:
        raise FieldError(field, value, 'expected a number')
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(field, value, 'expected a finite number')
    if is_integer(value):
        # Decimal takes an int exactly, while str() fails above 4300 digits.
        return decimal.Decimal(int(value))  # type: ignore[arg-type]
    text = str(value).strip()
    if not text:
        raise FieldError(field, value, 'expected a number, got an empty '
                         'value')
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation:
        raise FieldError(field, value, 'expected a number') from None
    if not number.is_finite():
        raise FieldError(field, value, 'expected a finite number')
    return number


def check_maximum(field: str, value: object, number: object,
                  maximum: object) -> None:
    """Raise FieldError when ``number`` is above ``maximum``."""
    if number > maximum:  # type: ignore[operator]
        raise FieldError(field, value, 'must be at most %s; use a smaller '
                         'value' % maximum)


def parse_count(field: str, value: object,
                maximum: int = MAX_AMOUNT) -> int:
    """Return ``value`` as a whole number from 0 to ``maximum``.

    Text such as ``"10000"`` is accepted; fractions, negatives, NaN,
    numbers above ``maximum`` and empty values raise FieldError.
    """
    # Inventories give thousands of plain counts, so a plain int or a short
    # text of ASCII digits within bounds skips the Decimal parse, with the
    # same result. Anything else, errors included, takes the full path.
    if type(value) is int:
        if 0 <= value <= maximum:
            return value
    elif type(value) is str:
        text = value.strip()
        if len(text) <= _SHORT_DIGITS and text.isascii() and text.isdigit():
            number = int(text)
            if number <= maximum:
                return number
    number = _to_decimal(field, value)
    if number < 0:
        raise FieldError(field, value, 'must not be negative')
    check_maximum(field, value, number, maximum)
    if number != number.to_integral_value():
        raise FieldError(field, value, 'expected a whole number, not a '
                         'fraction')
    return int(number)


def parse_milli(field: str, value: object) -> int:
    """Return an amount given in units as whole thousandths of a unit.

    ``0.5`` CPUs becomes 500. More than three decimal places raise
    FieldError because they cannot be kept exact, and so do more than
    MAX_AMOUNT thousandths.
    """
    number = _to_decimal(field, value)
    if number < 0:
        raise FieldError(field, value, 'must not be negative')
    check_maximum(field, value, number,
                  decimal.Decimal(MAX_AMOUNT) / 1000)
    milli = number * 1000
    if milli != milli.to_integral_value():
        raise FieldError(field, value, 'has more than three decimal '
                         'places; round it to a thousandth')
    return int(milli)


def parse_ratio(field: str, value: object) -> float:
    """Return an allocation ratio: a finite float from 0 to MAX_RATIO."""
    number = _to_decimal(field, value)
    if number < 0:
        raise FieldError(field, value, 'must not be negative')
    check_maximum(field, value, number, MAX_RATIO)
    return float(number)


def parse_bool(field: str, value: object) -> bool:
    """Return ``value`` as a bool.

    Accept a bool, the integers 1 and 0 (as JSON and YAML write them), and
    true/false, yes/no, on/off and 1/0 as text.
    """
    if isinstance(value, bool):
        return value
    if is_integer(value):
        # Compared as an int, so a huge one is never turned into text.
        if value in (0, 1):
            return bool(value == 1)
        raise FieldError(field, value, 'expected true or false (or 1 or 0)')
    text = str(value).strip().lower()
    if text in ('true', 'yes', '1', 'on'):
        return True
    if text in ('false', 'no', '0', 'off'):
        return False
    raise FieldError(field, value, 'expected true or false')
