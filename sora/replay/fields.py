"""Field parsers shared by the trace formats."""

from __future__ import annotations

import math

from sora import exception
from sora.scheduler.request import RequestSpec
from sora.scheduler import units


# The latest time a trace may give, in seconds: 10**12 s is about 31,700
# years. A bound keeps sums of durations, such as the time-weighted mean
# allocation, from overflowing to infinity.
MAX_TIME = 1e12

_ANY_MODEL: frozenset[str] = frozenset()


def parse_time(field: str, value: str) -> float:
    """Return a time in seconds, from 0 to MAX_TIME."""
    try:
        seconds = float(value)
    except ValueError:
        raise units.FieldError(field, value, 'expected a time in seconds'
                               ) from None
    if not math.isfinite(seconds):
        raise units.FieldError(field, value, 'expected a finite number')
    if seconds < 0:
        raise units.FieldError(field, value, 'must not be negative')
    if seconds > MAX_TIME:
        raise units.FieldError(field, value, 'expected at most %g seconds '
                               'from the start of the trace' % MAX_TIME)
    return seconds


def parse_departure(field: str, value: str, arrival: float) -> float | None:
    """Return a departure time, or None when the field is empty."""
    if not value:
        return None
    departure = parse_time(field, value)
    if departure < arrival:
        raise units.FieldError(field, value, 'departure is before the '
                               'arrival at %g' % arrival)
    return departure


def parse_models(value: str, field: str = 'gpu_models') -> frozenset[str]:
    """Return the GPU models of a ``|``-separated list; empty means any.

    An empty model name, as in ``|`` or ``T4||P100``, raises FieldError
    naming ``field``, because dropping it would let the workload run on
    any model.
    """
    if not value:
        return _ANY_MODEL
    models = [model.strip() for model in value.split('|')]
    if not all(models):
        raise units.FieldError(field, value, 'a GPU model name is empty; '
                               'separate non-empty names with |, or leave '
                               'the field empty for any model')
    return frozenset(models)


def build_request(name: str, **amounts: object) -> RequestSpec:
    """Build a RequestSpec, reporting its errors as field errors.

    The amounts are parsed before, so the checks left to fail here are a
    name with control characters, which would reach logs raw as the request
    id, and a GPU share that does not suit the card count, reported on
    gpu_milli.
    """
    if not name.isprintable():
        raise units.FieldError('name', name, 'remove the control characters '
                               'or line breaks')
    try:
        return RequestSpec(request_id=name, **amounts)  # type: ignore
    except exception.InvalidRequest as error:
        raise units.FieldError(error.field, error.value,
                               error.reason) from None
