"""A one-line progress bar for terminals."""

from __future__ import annotations

from typing import TextIO

WIDTH = 30


class ProgressBar:
    """Redraw ``label [#####.....]  45% 3668/8152`` in place on a stream.

    Use ``for_stream`` to get one only when the stream is a terminal, so
    that logs and pipes never receive carriage returns.
    """

    def __init__(self, stream: TextIO, label: str, total: int) -> None:
        self.stream = stream
        self.label = label
        self.total = total

    @classmethod
    def for_stream(cls, stream: TextIO, label: str,
                   total: int) -> ProgressBar | None:
        """Return a bar writing to ``stream`` if it is a terminal, or None."""
        isatty = getattr(stream, 'isatty', None)
        if isatty is None or not isatty():
            return None
        return cls(stream, label, total)

    def __call__(self, done: int) -> None:
        fraction = min(done / self.total, 1.0) if self.total else 1.0
        filled = int(WIDTH * fraction)
        self.stream.write('\r%s [%s%s] %3d%% %d/%d' % (
            self.label, '#' * filled, '.' * (WIDTH - filled),
            int(fraction * 100), done, self.total))
        self.stream.flush()

    def finish(self) -> None:
        """End the bar's line so that the next output starts afresh."""
        self(self.total)
        self.stream.write('\n')
        self.stream.flush()
