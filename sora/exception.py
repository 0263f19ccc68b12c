"""Errors that sora raises.

Every error carries the values it reports as attributes, so that a daemon can
act on them without parsing the message. Each message says what failed, on
which value, and what to do next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import difflib
import reprlib


# The maximum length, in characters, of a value's repr in a message. A
# longer value keeps its start and end, so that a long claim id or path
# stays recognisable without filling the terminal or the log.
MAX_SHOWN = 120

# Integers above this many bits are shown by their size: Python refuses to
# convert an int of more than 4300 digits to text, and a message needs only
# its size.
_MAX_SHOWN_BITS = 256


class _MessageRepr(reprlib.Repr):
    """A reprlib.Repr that shortens long values for one-line messages."""

    def __init__(self) -> None:
        super().__init__()
        self.maxstring = MAX_SHOWN
        self.maxother = MAX_SHOWN
        self.maxlong = 40
        self.maxlist = self.maxtuple = 10
        self.maxset = self.maxfrozenset = 10
        self.maxdict = 10
        self.maxlevel = 3

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > _MAX_SHOWN_BITS:
            return '<an integer of %d bits>' % x.bit_length()
        return super().repr_int(x, level)


_MESSAGE_REPR = _MessageRepr()


def shown(value: object) -> str:
    """Return a repr of ``value`` short enough for a one-line message.

    Every message that echoes a value from a caller or a file goes through
    here. Text longer than MAX_SHOWN characters keeps its start and end
    around ``...``, followed by its length. Containers show their first ten
    items, and a huge integer is shown by its size in bits.
    """
    if isinstance(value, str):
        if len(value) <= MAX_SHOWN:
            return repr(value)
        return '%s (%d characters)' % (_MESSAGE_REPR.repr(value), len(value))
    return _MESSAGE_REPR.repr(value)


def shown_name(value: str) -> str:
    """Return a name as it is, or its ``shown()`` repr when it needs one.

    A name of at most MAX_SHOWN printable characters reads best without
    quotes, as in "not in zone az2". A longer name, or one with a control
    character, a line break or an invisible format character such as
    U+202E, goes through ``shown()``, which escapes and shortens it. The
    result depends only on ``value``, so hosts rejected for the same value
    share one reason text.
    """
    if len(value) <= MAX_SHOWN and value.isprintable():
        return value
    return shown(value)


def escaped(text: str) -> str:
    """Return ``text`` as it is, or its repr when it has control characters.

    A path or a location of any length stays whole, but a line break or an
    escape sequence from a file name or an etcd key never reaches the
    terminal raw.
    """
    return text if text.isprintable() else repr(text)


class SoraException(Exception):
    """Base class of every error that sora raises on purpose."""


class InvalidValue(SoraException):
    """A single value given to a public constructor is not valid.

    ``field`` names the value, and the message gives the reason.
    """


class ConfigError(SoraException):
    """An option has a value that sora cannot use."""

    def __init__(self, group: str, option: str, value: object, reason: str,
                 config_files: Iterable[str] = ()) -> None:
        self.group = group
        self.option = option
        self.value = value
        self.reason = reason
        self.config_files = list(config_files)
        where = ''
        if self.config_files:
            where = ' (read from %s)' % ', '.join(
                escaped(path) for path in self.config_files)
        super().__init__('Invalid value %s for option [%s] %s%s: %s'
                         % (shown(value), group, option, where, reason))


class PluginNotFound(ConfigError):
    """No installed plugin has the configured name."""

    def __init__(self, group: str, option: str, value: str, namespace: str,
                 installed: Iterable[str],
                 config_files: Iterable[str] = ()) -> None:
        self.namespace = namespace
        self.installed = sorted(installed)
        matches = difflib.get_close_matches(value, self.installed, n=1)
        self.suggestion = matches[0] if matches else None
        reason = 'no plugin of that name is installed in namespace %s. ' \
            'Installed: %s.' % (namespace, ', '.join(self.installed) or 'none')
        if self.suggestion:
            reason += ' Did you mean %r?' % self.suggestion
        else:
            reason += ' Install the package that provides it, or pick one ' \
                'of the installed names.'
        super().__init__(group, option, value, reason, config_files)


class PluginLoadFailed(SoraException):
    """An installed plugin could not be imported or built."""

    def __init__(self, namespace: str, name: str, entry_point: str,
                 distribution: str, cause: BaseException) -> None:
        self.namespace = namespace
        self.name = name
        self.entry_point = entry_point
        self.distribution = distribution
        self.cause = cause
        super().__init__(
            'Failed to load plugin %r (%s) in namespace %s, declared by %s: '
            '%s: %s. Fix or reinstall that package, or choose another plugin.'
            % (name, entry_point, namespace, distribution,
               type(cause).__name__, shown_name(str(cause))))


class PluginConflict(SoraException):
    """Two installed distributions declare the same plugin name."""

    def __init__(self, namespace: str, name: str,
                 distributions: Iterable[str]) -> None:
        self.namespace = namespace
        self.name = name
        self.distributions = sorted(distributions)
        super().__init__(
            'Plugin name %r in namespace %s is declared by more than one '
            'package: %s. Uninstall one of them so that the name is '
            'unambiguous.' % (name, namespace, ', '.join(self.distributions)))


class PolicyError(SoraException):
    """A scheduling policy broke its contract with the manager."""

    def __init__(self, policy: str, problem: str) -> None:
        self.policy = policy
        self.problem = problem
        super().__init__('Scheduler policy %s returned an invalid result: %s. '
                         'Nothing was claimed; fix the policy or choose '
                         'another one in [scheduler] driver.'
                         % (shown(policy), problem))


class FilterError(SoraException):
    """A host filter broke its contract with the manager."""

    def __init__(self, name: str, problem: str) -> None:
        self.filter = name
        self.problem = problem
        super().__init__('Filter %r returned an invalid result: %s. Nothing '
                         'was claimed; fix the filter or remove it from '
                         '[filter_scheduler] enabled_filters.'
                         % (name, problem))


class InvalidRequest(SoraException):
    """A placement request has a field that cannot be scheduled."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__('Invalid request field %s=%s: %s'
                         % (shown_name(field), shown(value), reason))


class InvalidInventory(SoraException):
    """An inventory source contains a host or field that is not valid.

    The whole inventory is rejected, so a half-read source never replaces
    the hosts the manager has.
    """

    def __init__(self, source: str, location: str, field: str | None,
                 value: object, reason: str) -> None:
        self.source = source
        self.location = location
        self.field = field
        self.value = value
        self.reason = reason
        where = ' at %s' % escaped(location) if location else ''
        if field:
            where += ', field %s=%s' % (shown_name(field), shown(value))
        elif value is not None:
            where += ', %s' % shown(value)
        super().__init__('Invalid inventory %s%s: %s'
                         % (escaped(source), where, reason))


class DuplicateHost(InvalidInventory):
    """Two entries of one inventory source name the same host."""

    def __init__(self, source: str, first: str, second: str,
                 name: str) -> None:
        super().__init__(source, '%s and %s' % (first, second), 'name', name,
                         'both name host %s' % shown(name))
        self.args = ('Invalid inventory %s: %s and %s both name host %s; '
                     'every host needs a unique name'
                     % (escaped(source), escaped(first), escaped(second),
                        shown(name)),)


class InvalidTrace(SoraException):
    """A workload trace has a line or field that cannot be replayed.

    ``line`` is the 1-based line number in the file, or None for a problem
    with the file as a whole.
    """

    def __init__(self, path: str, line: int | None, field: str | None,
                 value: object, reason: str) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.value = value
        self.reason = reason
        where = escaped(path)
        if line is not None:
            where += ', line %d' % line
        detail = ''
        if field:
            detail = ', field %s=%s' % (shown_name(field), shown(value))
        super().__init__('Invalid trace %s%s: %s' % (where, detail, reason))


class MissingExtra(SoraException):
    """A feature needs a package from one of sora's optional extras."""

    def __init__(self, feature: str, package: str, extra: str) -> None:
        self.feature = feature
        self.package = package
        self.extra = extra
        super().__init__("%s needs %s, which is not installed. Install "
                         "sora's %s extra: pip install 'sora[%s]'"
                         % (feature, package, extra, extra))


class InvalidArgument(SoraException):
    """An argument of a command or an API call has an unusable value."""

    def __init__(self, argument: str, value: object, reason: str) -> None:
        self.argument = argument
        self.value = value
        self.reason = reason
        super().__init__('Invalid value %s for %s: %s'
                         % (shown(value), argument, reason))


class HostNotFound(SoraException):
    """A host name is not in the manager's host state."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__('Host %s not found in the scheduler host state. '
                         'Add it first, or check the name.' % shown(host))


class HostExists(SoraException):
    """A host with this name is already in the manager's host state."""

    def __init__(self, host: str) -> None:
        self.host = host
        super().__init__('Host %s already exists. Update it instead of '
                         'adding it again.' % shown(host))


class HostHasClaims(SoraException):
    """A host cannot be removed because it still has claims."""

    def __init__(self, host: str, claim_ids: Iterable[str]) -> None:
        self.host = host
        self.claim_ids = sorted(claim_ids)
        super().__init__('Host %s still holds %d claim(s): %s. Release them '
                         'first, or remove the host with force=True.'
                         % (shown(host), len(self.claim_ids),
                            ', '.join(self.claim_ids)))


class CardsInUse(SoraException):
    """An update would take away GPU cards that claims still use."""

    def __init__(self, host: str, gpus: int,
                 claim_ids: Iterable[str]) -> None:
        self.host = host
        self.gpus = gpus
        self.claim_ids = sorted(claim_ids)
        super().__init__(
            'Host %s would keep %d GPU card(s), but %d claim(s) use cards '
            'past them: %s. Release those claims first, or replace the '
            'inventory (set_hosts or load-inventory), which drops them.'
            % (shown(host), gpus, len(self.claim_ids),
               ', '.join(self.claim_ids)))


# The maximum number of claim ids that one ClaimNotFound message lists.
# The rest are counted.
_MAX_IDS_SHOWN = 10


class ClaimNotFound(SoraException):
    """One or more claim ids are unknown or were already released.

    ``claim_ids`` contains every id given, and ``claim_id`` is the first. The
    message shows each id, shortened on its own, up to ten of them.
    """

    def __init__(self, claim_id: str, *more_ids: str) -> None:
        self.claim_id = claim_id
        self.claim_ids = (claim_id,) + more_ids
        if not more_ids:
            super().__init__('Claim %s not found: it is unknown or was '
                             'already released. Nothing was changed.'
                             % shown(claim_id))
            return

        listed = ', '.join(shown(unknown_id)
                           for unknown_id in self.claim_ids[:_MAX_IDS_SHOWN])
        hidden = len(self.claim_ids) - _MAX_IDS_SHOWN
        if hidden > 0:
            listed += ' and %d more' % hidden
        super().__init__('Claims %s not found: each is unknown or was '
                         'already released. Nothing was changed.' % listed)


class ClaimFailed(SoraException):
    """A host can no longer hold a request that was about to be claimed."""

    def __init__(self, host: str, reason: str) -> None:
        self.host = host
        self.reason = reason
        super().__init__('Cannot claim host %s: %s. Schedule the request '
                         'again.' % (shown(host), reason))


class ClaimConflict(ClaimFailed):
    """Another scheduler changed the host between the decision and its claim.

    Only a shared state store raises it. The store has already read the host
    again, so the caller can make the decision again on fresh state.
    """

    def __init__(self, host: str) -> None:
        super().__init__(host, 'another scheduler changed the host first')


class StoreConflict(SoraException):
    """Other schedulers changed the same records on every attempt."""

    def __init__(self, action: str, attempts: int) -> None:
        self.action = action
        self.attempts = attempts
        super().__init__(
            'Gave up %s after %d attempts: other schedulers changed the same '
            'records each time. Nothing was changed; try again.'
            % (action, attempts))


class StoreUnavailable(SoraException):
    """The state store's server did not respond, so nothing was decided.

    ``endpoints`` lists the addresses that were tried and ``action``
    describes what sora was doing. ``cause`` is the last error seen.
    """

    def __init__(self, store: str, endpoints: Iterable[str], action: str,
                 cause: str) -> None:
        self.store = store
        self.endpoints = list(endpoints)
        self.action = action
        self.cause = cause
        super().__init__(
            'The %s state store is unavailable at %s while %s: %s. No claim '
            'is left behind. Check that the server is running and reachable '
            'at that address, then try again.'
            % (store, ', '.join(self.endpoints), action, cause))


class NoValidHost(SoraException):
    """No host can hold the request.

    ``reasons`` maps each reason to the number of hosts it removed. Every
    host is counted once, under the first filter that rejected it.
    """

    def __init__(self, total_hosts: int, reasons: Mapping[str, int],
                 request_id: str | None = None) -> None:
        self.total_hosts = total_hosts
        self.reasons = dict(reasons)
        self.request_id = request_id
        super().__init__(self.summary())

    def summary(self) -> str:
        """Return the one-line count of hosts per reason."""
        if self.total_hosts == 0 and not self.reasons:
            return 'No valid host was found: the inventory is empty. ' \
                'Add hosts or point [inventory] at a source with hosts.'
        ordered = sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        parts = ', '.join('%d %s' % (count, reason)
                          for reason, count in ordered)
        return 'No valid host was found. 0/%d hosts are available: %s.' % (
            self.total_hosts, parts)
