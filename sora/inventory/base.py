"""The contract of an inventory source: a plugin that lists the hosts."""

from __future__ import annotations

import abc

from oslo_config import cfg

from sora import conf as sora_conf
from sora import exception
from sora.scheduler.host import Host


class InventorySource(abc.ABC):
    """Base class of inventory sources in the ``sora.inventory`` namespace.

    ``read`` returns every host or raises InvalidInventory; it never
    returns part of a source. The manager checks host names for duplicates
    itself, so a source only needs to report where each host came from.
    """

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf

    @classmethod
    def list_opts(cls) -> list[tuple[str, list[cfg.Opt]]]:
        """Return the source's own options as ``(group, options)`` pairs."""
        return []

    def origin(self) -> str | None:
        """Return what the source reads, such as a file's absolute path.

        Messages and logs name the origin in place of the source's plugin
        name; None means the plugin name is enough.
        """
        return None

    @abc.abstractmethod
    def read(self) -> list[tuple[Host, str]]:
        """Return each host with its location, such as ``line 4``."""


def located(location: str, name: str) -> str:
    """Return a host's location with its name, such as ``line 4 (node1)``.

    The name is escaped and shortened as ``exception.shown_name`` does, so
    a name with control characters never reaches the terminal raw.
    """
    return '%s (%s)' % (location, exception.shown_name(name))


def check_path(conf: cfg.ConfigOpts,
               fix: str = 'set a path, or remove the option to use the '
                          'sample inventory') -> None:
    """Raise ConfigError when ``[inventory] path`` is set but empty."""
    path = conf.inventory.path
    if path is not None and not path.strip():
        raise exception.ConfigError(
            'inventory', 'path', path, 'the path is empty; ' + fix,
            sora_conf.option_files(conf, 'inventory', 'path'))


def read_text(path: str) -> str:
    """Return a file's UTF-8 text; raise InvalidInventory when it fails.

    Line endings are kept as they are, as the csv module expects, and a
    byte order mark at the start is dropped.
    """
    try:
        with open(path, newline='', encoding='utf-8-sig') as stream:
            return stream.read()
    except OSError as error:
        raise exception.InvalidInventory(
            path, None, None, None, 'cannot be read (%s); check '
            '[inventory] path' % error.strerror) from None
    except UnicodeDecodeError as error:
        raise exception.InvalidInventory(
            path, 'byte %d' % error.start, None, None, 'not UTF-8 text; '
            'save the file as UTF-8') from None
