"""Checks of the arguments that SchedulerManager's public methods take.

Each raises a SoraException naming the argument and its value, so that a
caller's mistake never surfaces as a TypeError from deep inside a store.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
import time

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.scheduler import units

# How far ahead of this machine's clock a report time may be, in seconds.
# A host's clock may run a little ahead of the scheduler's, but a time far
# in the future would make the enabled filter count the host as reporting
# until then, however long it stays silent. Five minutes is well above
# the skew of clocks kept by NTP.
MAX_CLOCK_SKEW = 300.0


def check_request(request: object) -> None:
    """Raise InvalidRequest unless ``request`` is a RequestSpec."""
    if not isinstance(request, RequestSpec):
        raise exception.InvalidRequest(
            'request', request, 'expected a RequestSpec; build one with '
            'RequestSpec.build()')


def check_host(host: object, argument: str = 'host') -> None:
    """Raise InvalidArgument naming ``argument`` unless ``host`` is a Host."""
    if not isinstance(host, Host):
        raise exception.InvalidArgument(
            argument, host, 'expected a Host; build one with Host(name, ...) '
            'or Host.from_mapping()')


def check_usage(used: Mapping[str, object]) -> dict[str, int]:
    """Return the usage amounts that are not None, as ints.

    ``used`` maps a resource, such as ``memory_mb``, to an amount or None.
    Raise InvalidRequest, naming the argument ``<resource>_used``, for an
    amount that is not an integer from 0 to ``units.MAX_AMOUNT``.
    """
    amounts = {}
    for key, value in used.items():
        if value is None:
            continue
        if not units.is_integer(value) \
                or not 0 <= value <= units.MAX_AMOUNT:  # type: ignore
            raise exception.InvalidRequest(
                key + '_used', value, 'expected an integer from 0 to %d'
                % units.MAX_AMOUNT)
        amounts[key] = int(value)  # type: ignore[call-overload]
    return amounts


# Any int up to this converts to a float; a report time is far below it.
_LARGEST_TIME = 2 ** 62


def check_report_time(at: object) -> float:
    """Return ``at`` as a float; raise InvalidRequest unless it is valid."""
    # An int too large for a float fails math.isfinite with OverflowError,
    # so ints are bounded first; the bound is far beyond any time.
    if units.is_integer(at):
        at = int(at)  # type: ignore[call-overload]
    if (isinstance(at, bool) or not isinstance(at, (int, float))
            or isinstance(at, int) and not 0 <= at <= _LARGEST_TIME
            or not math.isfinite(at) or at < 0):
        raise exception.InvalidRequest(
            'at', at, 'expected seconds since the epoch from 0, such as '
            'time.time(), or None for now')
    now = time.time()
    if at > now + MAX_CLOCK_SKEW:
        raise exception.InvalidRequest(
            'at', at, 'the time is %.4g s ahead of this machine\'s clock '
            '(%.0f), and at most %.0f s ahead is accepted; check the '
            'reporting host\'s clock, or pass None for now'
            % (at - now, now, MAX_CLOCK_SKEW))
    return float(at)


def check_name(argument: str, value: object, expected: str) -> None:
    """Raise InvalidArgument unless ``value`` is non-empty text."""
    if not isinstance(value, str) or not value:
        raise exception.InvalidArgument(argument, value,
                                        'expected %s as text' % expected)
