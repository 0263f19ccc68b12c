"""Read a trace file in one of the known formats, detected by its header."""

from __future__ import annotations

import csv

from oslo_log import log as logging

from sora import exception
from sora.replay import openb_trace
from sora.replay import sora_trace
from sora.replay.workload import Trace
from sora.scheduler import units

LOG = logging.getLogger(__name__)

# The known formats, tried in this order when the format is detected.
FORMATS = {module.NAME: module for module in (sora_trace, openb_trace)}

AUTO = 'auto'


def detect_format(path: str, header: list[str]) -> str:
    """Return the name of the format whose columns the header names."""
    for name, module in FORMATS.items():
        if module.matches(header):
            return name
    raise exception.InvalidTrace(
        path, 1, 'header', ','.join(header),
        'the columns match no known trace format. sora traces need %s; '
        'openb pod lists need at least %s'
        % (','.join(sora_trace.COLUMNS), ','.join(openb_trace.REQUIRED)))


def repeated_columns(header: list[str]) -> list[str]:
    """Return the columns that a header names more than once, in order."""
    seen: set[str] = set()
    repeated: list[str] = []
    for column in header:
        if column in seen and column not in repeated:
            repeated.append(column)
        seen.add(column)
    return repeated


def read_trace(path: str, trace_format: str = AUTO,
               skip_invalid: bool = False) -> Trace:
    """Read every workload of a trace file, in file order.

    Raise InvalidTrace naming the file, the line and the field at the first
    invalid line. With ``skip_invalid``, invalid lines are left out and
    listed in ``Trace.skipped`` instead; a bad header still raises.
    """
    if trace_format != AUTO and trace_format not in FORMATS:
        raise exception.InvalidTrace(
            path, None, 'format', trace_format, 'expected one of %s'
            % ', '.join([AUTO] + sorted(FORMATS)))
    try:
        # utf-8-sig also reads a file that starts with a byte order mark,
        # as spreadsheet programs write.
        with open(path, newline='', encoding='utf-8-sig') as stream:
            return _read(path, stream, trace_format, skip_invalid)
    except OSError as error:
        raise exception.InvalidTrace(
            path, None, None, None, 'the file cannot be read (%s)'
            % error.strerror) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise exception.InvalidTrace(
            path, None, None, None, 'not a UTF-8 CSV file (%s)' % error
        ) from None


def _read(path: str, stream, trace_format: str,
          skip_invalid: bool) -> Trace:
    reader = csv.reader(stream)
    header = [column.strip() for column in next(reader, [])]
    if not header:
        raise exception.InvalidTrace(path, 1, None, None,
                                     'the file is empty; expected a header')
    repeated = repeated_columns(header)
    if repeated:
        raise exception.InvalidTrace(
            path, 1, 'header', ','.join(header), 'the column %s appears more '
            'than once; give each column once' % ', '.join(repeated))
    if trace_format == AUTO:
        trace_format = detect_format(path, header)
    module = FORMATS[trace_format]
    missing = module.missing_columns(header)
    if missing:
        raise exception.InvalidTrace(
            path, 1, 'header', ','.join(header), 'the %s format needs the '
            'missing columns %s' % (trace_format, ','.join(missing)))

    trace = Trace(path, trace_format, [])
    for row in reader:
        line = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) != len(header):
                raise exception.InvalidTrace(
                    path, line, None, ','.join(row), 'expected %d columns '
                    'as in the header, got %d' % (len(header), len(row)))
            values = dict(zip(header, map(str.strip, row)))
            try:
                workload = module.parse_row(values, len(trace.workloads),
                                            line)
            except units.FieldError as error:
                raise exception.InvalidTrace(path, line, error.field,
                                             error.value,
                                             error.reason) from None
        except exception.InvalidTrace as error:
            if not skip_invalid:
                raise
            LOG.debug('Skipped invalid trace line: %s', error)
            trace.skipped.append(str(error))
            continue
        trace.workloads.append(workload)
    return trace
