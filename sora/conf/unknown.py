"""Warn about misspelt sections and options in configuration files.

oslo.config ignores what it has no option for, so ``[scheduler] drvier``
would silently keep the default policy. Other services often share a file
with sora, so a section that sora does not own is skipped unless its name
is close to one of sora's groups.
"""

from __future__ import annotations

import difflib
import glob
import os
import threading

from oslo_config import cfg
from oslo_log import log as logging

from sora import exception

LOG = logging.getLogger(__name__)

# The warnings already logged, as (real path of the file, section,
# option) with option None for a whole section. A replay builds one
# manager per policy, and each warning is logged once per process.
_REPORTED: set[tuple[str, str, str | None]] = set()
_REPORTED_LOCK = threading.Lock()


def read_files(conf: cfg.ConfigOpts) -> list[str]:
    """Return the files of ``--config-file`` and ``--config-dir``, in order.

    A file reached by several paths, such as ``w.conf`` and ``./w.conf``,
    a symbolic link to it, or a folder of ``--config-dir`` that contains it,
    is returned once, by the path that reached it first. A ConfigOpts that
    never parsed a command line has read no file.
    """
    try:
        paths = list(conf.config_file or ())
        folders = conf.config_dir or []
    except cfg.NoSuchOptError:
        return []
    if isinstance(folders, str):
        folders = [folders]
    for folder in folders:
        paths.extend(sorted(glob.glob(os.path.join(folder, '*.conf'))))

    files: dict[str, str] = {}
    for path in paths:
        files.setdefault(os.path.realpath(path), path)
    return list(files.values())


def _sections(path: str) -> dict[str, dict[str, list[str]]]:
    """Return the sections of one file, read with oslo.config's parser."""
    sections: dict[str, dict[str, list[str]]] = {}
    try:
        cfg.ConfigParser(path, sections).parse()
    except (OSError, cfg.ParseError, UnicodeDecodeError):
        # oslo.config read this file already and reported what was wrong.
        return {}
    return sections


def _first_report(key: tuple[str, str, str | None]) -> bool:
    with _REPORTED_LOCK:
        if key in _REPORTED:
            return False
        _REPORTED.add(key)
        return True


def _closest(name: str, known: list[str]) -> str | None:
    matches = difflib.get_close_matches(name, known, n=1)
    return matches[0] if matches else None


def warn_unknown(conf: cfg.ConfigOpts, owned: list[str]) -> None:
    """Log one warning per unknown option of ``owned`` groups in the files.

    A section that no registered group has gets a warning only when its
    name is close to a registered group. Options that plugins registered
    count as known, so call this after the plugins are loaded.
    """
    groups = sorted(name for name in conf
                    if isinstance(conf[name], cfg.ConfigOpts.GroupAttr))
    for path in read_files(conf):
        # Another ConfigOpts of this process may name the file by another
        # path, so the warnings already logged are keyed by the real path.
        real_path = os.path.realpath(path)
        for section, options in _sections(path).items():
            if section == 'DEFAULT':
                continue
            if section not in groups:
                guess = _closest(section, groups)
                if guess and _first_report((real_path, section, None)):
                    LOG.warning('Unknown section [%s] in %s; did you mean '
                                '[%s]? Its options are ignored',
                                exception.shown_name(section),
                                exception.shown_name(path), guess)
                continue
            if section not in owned:
                continue
            known = sorted(conf[section])
            for option in options:
                if option in known or \
                        not _first_report((real_path, section, option)):
                    continue
                guess = _closest(option, known)
                # The names come from the file as written, so they are
                # escaped and shortened like any value echoed back.
                LOG.warning('Unknown option %s in section [%s] of %s is '
                            'ignored; %s', exception.shown_name(option),
                            section, exception.shown_name(path),
                            'did you mean %s?' % guess if guess
                            else 'no option of that section has a close '
                            'name')
