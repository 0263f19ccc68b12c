"""Parse and check the numbers that hosts and requests are made of.

Inventories and command lines give numbers as text as often as as numbers, so
every field goes through these helpers. They compare numbers as numbers,
reject what is not a finite amount, and keep CPUs exact in thousandths.
"""

from __future__ import annotations

import decimal
import math


class FieldError(ValueError):
    """A single field has a value that is not valid; ``field`` names it."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__('%s=%r: %s' % (field, value, reason))


def _to_decimal(field: str, value: object) -> decimal.Decimal:
    if isinstance(value, bool) or value is None:
        raise FieldError(field, value, 'expected a number')
    if isinstance(value, float) and not math.isfinite(value):
        raise FieldError(field, value, 'expected a finite number')
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


def parse_count(field: str, value: object) -> int:
    """Return ``value`` as a whole number of 0 or more.

    Text such as ``"10000"`` is accepted; fractions, negatives, NaN and
    empty values raise FieldError.
    """
    number = _to_decimal(field, value)
    if number != number.to_integral_value():
        raise FieldError(field, value, 'expected a whole number, not a '
                         'fraction')
    if number < 0:
        raise FieldError(field, value, 'must not be negative')
    return int(number)


def parse_milli(field: str, value: object) -> int:
    """Return an amount given in units as whole thousandths of a unit.

    ``0.5`` CPUs becomes 500. More than three decimal places raise
    FieldError because they cannot be kept exact.
    """
    number = _to_decimal(field, value)
    if number < 0:
        raise FieldError(field, value, 'must not be negative')
    milli = number * 1000
    if milli != milli.to_integral_value():
        raise FieldError(field, value, 'has more than three decimal places')
    return int(milli)


def parse_ratio(field: str, value: object) -> float:
    """Return an allocation ratio: a finite float of 0 or more."""
    number = _to_decimal(field, value)
    if number < 0:
        raise FieldError(field, value, 'must not be negative')
    return float(number)


def parse_bool(field: str, value: object) -> bool:
    """Return ``value`` as a bool; accept true/false/yes/no/1/0 as text."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ('true', 'yes', '1', 'on'):
        return True
    if text in ('false', 'no', '0', 'off'):
        return False
    raise FieldError(field, value, 'expected true or false')
