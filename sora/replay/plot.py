"""Figures of replays, drawn with matplotlib's Agg backend to PNG files.

matplotlib comes with sora's optional ``plot`` extra. Every function here
raises MissingExtra, naming the extra, when it is not installed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import importlib
import os

import numpy as np

from sora import exception
from sora.replay.runner import RunResult

HOUR = 3600.0

# Policies that make the same choices draw the same line; a different dash
# pattern for each keeps every one of them visible.
LINE_STYLES = ('-', '--', ':', '-.')

# (title, RunResult attribute, resource key in RunResult.capacity)
PANELS = (('CPU', 'vcpus_milli_used', 'vcpus_milli'),
          ('Memory', 'memory_mb_used', 'memory_mb'),
          ('GPU', 'gpu_milli_used', 'gpu_milli'))


def require_matplotlib():
    """Return matplotlib's pyplot on the Agg backend, or raise MissingExtra.

    The command calls this before replaying, so that a missing package is
    reported at once.
    """
    try:
        matplotlib = importlib.import_module('matplotlib')
    except ImportError:
        raise exception.MissingExtra('--plot', 'matplotlib', 'plot'
                                     ) from None
    matplotlib.use('Agg')
    return importlib.import_module('matplotlib.pyplot')


# Formats that matplotlib writes only through a LaTeX installation.
NEEDS_LATEX = frozenset({'pgf'})


def supported_formats() -> list[str]:
    """Return the file extensions that the Agg backend writes, sorted.

    matplotlib picks the format from the extension of the path, so this
    is also the list of extensions that --plot accepts.
    """
    require_matplotlib()
    backend_agg = importlib.import_module('matplotlib.backends.backend_agg')
    return sorted(backend_agg.FigureCanvasAgg.get_supported_filetypes())


def _save(figure, path: str) -> None:
    try:
        figure.savefig(path, dpi=110)
    except OSError as error:
        raise exception.InvalidArgument(
            '--plot', path, 'cannot write the figure (%s)' % error.strerror
        ) from None
    except ValueError as error:
        raise exception.InvalidArgument('--plot', path, str(error)) from None


def plot_allocation(path: str, results: Sequence[RunResult],
                    trace_name: str) -> None:
    """Draw CPU, memory and GPU allocation over trace time, per policy."""
    pyplot = require_matplotlib()
    figure, axes = pyplot.subplots(len(PANELS), 1, sharex=True,
                                   figsize=(9, 8), constrained_layout=True)
    for axis, (title, attribute, key) in zip(axes, PANELS):
        for number, result in enumerate(results):
            capacity = result.capacity[key]
            used = getattr(result, attribute)
            share = used * 100.0 / capacity if capacity else used * 0.0
            hours = (result.times - result.times[0]) / HOUR \
                if len(result.times) else result.times
            axis.step(hours, share, where='post', linewidth=1,
                      linestyle=LINE_STYLES[number % len(LINE_STYLES)],
                      label=result.policy)
        axis.set_ylabel('%s allocated (%%)' % title)
        axis.grid(True, alpha=0.3)
    axes[-1].set_xlabel('Trace time since the first event (hours)')
    axes[0].legend(title='policy', loc='upper left')
    figure.suptitle('Allocation over time, %s' % os.path.basename(trace_name))
    _save(figure, path)
    pyplot.close(figure)


def plot_inflation(path: str, curves: Mapping[str, np.ndarray],
                   seeds: Sequence[int], trace_name: str) -> None:
    """Draw GPU allocation against arrived GPU demand, per policy.

    ``curves`` maps a policy to its allocation at each whole percent of
    demand from 1%, averaged over ``seeds``.
    """
    pyplot = require_matplotlib()
    figure, axis = pyplot.subplots(figsize=(8, 5.5),
                                   constrained_layout=True)
    last = max((len(curve) for curve in curves.values()), default=0)
    axis.plot([0, min(last, 100)], [0, min(last, 100)], color='grey',
              linestyle=':', linewidth=1,
              label='every GPU request placed')
    for number, (policy, curve) in enumerate(curves.items()):
        axis.plot(np.arange(1, len(curve) + 1), curve, linewidth=1.5,
                  linestyle=LINE_STYLES[number % len(LINE_STYLES)],
                  label=policy)
    axis.set_xlabel('Arrived GPU demand (% of GPU capacity)')
    axis.set_ylabel('GPU allocated (% of GPU capacity)')
    axis.set_xlim(0, last)
    axis.set_ylim(0, 100)
    axis.grid(True, alpha=0.3)
    axis.legend(title='policy', loc='lower right')
    seed_text = ('seed %d' % seeds[0] if len(seeds) == 1
                 else 'mean of %d seeds, %d to %d' % (len(seeds), min(seeds),
                                                      max(seeds)))
    axis.set_title('GPU allocation as pods arrive, %s (%s)'
                   % (os.path.basename(trace_name), seed_text))
    _save(figure, path)
    pyplot.close(figure)
