"""The contract of a weigher, and how the scores of several add up.

A weigher gives each candidate host a raw number, where a higher number
means the host is preferred when the multiplier is positive. Within each
decision the raw numbers are scaled to the range 0 to 1 (the lowest becomes
0, the highest 1), multiplied by the weigher's multiplier and added up over
the weighers. So a weigher's unit never matters, only the order and the
relative distances of its numbers, and the multipliers alone set how much
each weigher counts. A positive multiplier spreads instances; a negative
one stacks them.

A weigher may work one host at a time (``weigh_host``) or on whole columns
of the host table (``weigh_hosts``). It keeps no state between decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
import math

import numpy as np
from oslo_config import cfg
from oslo_log import log as logging

from sora import exception
from sora.scheduler.host_state import HostState
from sora.scheduler.host_table import HostTable
from sora.scheduler.request import RequestSpec
from sora.scheduler import units

LOG = logging.getLogger(__name__)

# Maximum number of hosts a debug line lists per weigher. The rest are
# counted.
LOGGED_HOSTS = 20


class BaseWeigher:
    """Base class of every weigher in ``sora.scheduler.weighers``."""

    # The name sora.conf uses for this weigher; the loader sets it from the
    # entry point.
    name = ''

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        """Return the weigher's own options as ``(group, options)`` pairs.

        A weigher from another package declares its multiplier here, as
        ``[filter_scheduler] <name>_weight_multiplier``.
        """
        return []

    def multiplier(self) -> float:
        """Return ``[filter_scheduler] <name>_weight_multiplier``.

        A weigher whose option is not registered gets 1.0. Raise
        ConfigError when the value is NaN, infinite or beyond
        units.MAX_MULTIPLIER either way, as a plugin may declare its option
        without bounds.
        """
        option = self.name + '_weight_multiplier'
        try:
            value = float(self.conf.filter_scheduler[option])
        except cfg.NoSuchOptError:
            return 1.0
        if not (math.isfinite(value)
                and abs(value) <= units.MAX_MULTIPLIER):
            # Imported here: sora.conf builds on the weighers' options.
            from sora import conf as sora_conf
            raise exception.ConfigError(
                'filter_scheduler', option, value,
                'expected a number from %d to %d, such as 1.0 to spread or '
                '-1.0 to stack' % (-units.MAX_MULTIPLIER,
                                   units.MAX_MULTIPLIER),
                sora_conf.option_files(self.conf, 'filter_scheduler',
                                       option))
        return value

    def weigh_host(self, host: HostState, request: RequestSpec) -> float:
        """Return one host's raw weight; higher is preferred."""
        raise NotImplementedError(
            '%s must implement weigh_host or weigh_hosts'
            % type(self).__name__)

    def weigh_hosts(self, hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec) -> np.ndarray:
        """Return one raw weight per row in ``rows``, in the same order.

        The default calls ``weigh_host`` for each row. Override it to weigh
        every candidate with array operations.
        """
        weights = np.empty(len(rows))
        for i, row in enumerate(rows):
            weights[i] = self.weigh_host(hosts.host(int(row)), request)
        return weights


def normalize(values: np.ndarray) -> np.ndarray:
    """Scale values to the range 0 to 1: the lowest to 0, the highest to 1.

    When every value is equal, including when there is only one, every
    result is 0. The values must be finite; the result then always is.
    """
    values = np.asarray(values, dtype=float)
    if not len(values):
        return values
    return _scale(values, *_value_range(values))


def _value_range(values: np.ndarray) -> tuple[float, float]:
    """Return the lowest and the highest of a non-empty float array.

    Both are NaN when a value is NaN, as with min() and max(). argmin()
    and argmax() cost about half as much as min() and max() here, because
    numpy's reductions have a fixed cost of about three microseconds even
    on a few numbers. They return the first of equal values, so the result
    may be 0.0 where min() gives -0.0 or the reverse, and then the scaled
    weights differ at most in the sign of a zero, which ranks the same.
    """
    return values[values.argmin()], values[values.argmax()]


def _scale(values: np.ndarray, low: float, high: float) -> np.ndarray:
    # normalize() with the lowest and highest value already known. The
    # result is always a new array.
    if high == low:
        return np.zeros(len(values))
    span = high - low
    if not math.isfinite(span):
        # The span of two huge values of opposite sign overflows; scaling
        # both ends by the largest magnitude first keeps it finite.
        scale = max(abs(low), abs(high))
        values = values / scale
        low = low / scale
        span = high / scale - low
    scaled = np.subtract(values, low)
    scaled /= span
    return scaled


def combined_scores(weighers: Sequence[tuple[BaseWeigher, float]],
                    hosts: HostTable, rows: np.ndarray,
                    request: RequestSpec, policy: str) -> np.ndarray:
    """Return the sum of multiplier times normalised weight, per row.

    A weigher whose multiplier is 0 is not called. Raise PolicyError,
    naming ``policy`` and the weigher, when a weigher returns the wrong
    number of weights or a weight that is NaN or infinite.
    """
    total = np.zeros(len(rows))
    debug = LOG.isEnabledFor(logging.DEBUG)
    for weigher, multiplier in weighers:
        if multiplier == 0:
            continue
        raw, low, high = _checked(
            weigher, weigher.weigh_hosts(hosts, rows, request), len(rows),
            policy)
        if high == low and not debug:
            # Equal weights scale to 0 and add nothing to any score.
            continue
        scaled = _scale(raw, low, high) if len(raw) else np.zeros(0)
        if debug:
            LOG.debug('Weigher %s (multiplier %s) for request %s: %s',
                      weigher.name, multiplier, request.request_id,
                      _describe(hosts, rows, raw, scaled))
        # scaled is a new array, so it can take the product in place. A
        # product with 1.0 is the number itself and is skipped.
        if multiplier != 1.0:
            scaled = np.multiply(scaled, multiplier, out=scaled)
        total += scaled
    return total


def _checked(weigher: BaseWeigher, weights: object, count: int,
             policy: str) -> tuple[np.ndarray, float, float]:
    """Return the weights as floats with their lowest and highest value.

    Raise PolicyError when there are not ``count`` of them or one is NaN
    or infinite. The lowest and highest are 0.0 when there are none.
    """
    try:
        array = np.asarray(weights, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or array.shape != (count,):
        raise exception.PolicyError(
            policy, 'weigher %s returned %s where %d numbers, one per '
            'candidate, were expected; fix the weigher or remove it from '
            '[filter_scheduler] weighers'
            % (weigher.name, exception.shown(weights), count))
    if not count:
        return array, 0.0, 0.0
    # The lowest and highest are NaN when any weight is NaN, and an
    # infinite weight is one of them, so they check every weight.
    low, high = _value_range(array)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise exception.PolicyError(
            policy, 'weigher %s returned a NaN or infinite weight; fix the '
            'weigher or remove it from [filter_scheduler] weighers'
            % weigher.name)
    return array, low, high


def _describe(hosts: HostTable, rows: np.ndarray, raw: np.ndarray,
              scaled: np.ndarray) -> str:
    pairs = ['%s %g->%.3f' % (hosts.names[int(row)], value, norm)
             for row, value, norm in zip(rows[:LOGGED_HOSTS],
                                         raw[:LOGGED_HOSTS],
                                         scaled[:LOGGED_HOSTS])]
    if len(rows) > LOGGED_HOSTS:
        pairs.append('and %d more hosts' % (len(rows) - LOGGED_HOSTS))
    return 'raw->normalised ' + ', '.join(pairs)
