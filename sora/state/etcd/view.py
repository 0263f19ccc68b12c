"""This process's copy of the hosts, usage and groups that etcd holds.

Each record is kept with the revision at which etcd last wrote its key, so
a change is applied only if it is newer than what the copy has. Changes
arrive from three places, in any order: the watch stream, the keys that a
failed transaction read back, and this process's own writes. A deleted key
is remembered (as a tombstone) until the watch has passed its revision, so
that an older write arriving late cannot bring it back.

Rows of the host table change only for the hosts whose records changed.
"""

from __future__ import annotations

from collections.abc import Iterable
import time

from sora.scheduler.host import Host
from sora.scheduler.host_table import HostTable
from sora.state.etcd import client as etcd_client
from sora.state.etcd import records


class View:
    """Records by name with their revisions, mirrored into a host table."""

    def __init__(self, table: HostTable, keys: records.Keys) -> None:
        self.table = table
        self.keys = keys
        self.hosts: dict[str, tuple[int, Host]] = {}
        self.usage: dict[str, tuple[int, records.Usage]] = {}
        self.groups: dict[str, tuple[int, dict[str, int]]] = {}
        self._tombstones: dict[str, int] = {}
        self._parsed: dict[str, object] = {}
        # Revisions of this process's own transactions that the watch has
        # not passed yet. etcd gives each transaction its own revision, so
        # a watched change at one of them is an echo of a write that
        # record() has already applied.
        self._own_revisions: set[int] = set()
        self.watched_revision = 0

    def reset(self, kvs: Iterable[etcd_client.KeyValue],
              revision: int) -> None:
        """Replace every record with a full read made at ``revision``."""
        self.hosts.clear()
        self.usage.clear()
        self.groups.clear()
        self._tombstones.clear()
        self._own_revisions.clear()
        for kv in kvs:
            self._store(kv.key, kv.value, kv.mod_revision)
        self.watched_revision = revision

        self.table.replace_all(host for _rev, host in self.hosts.values())
        for name in self.table.names:
            self._set_row_usage(name)

    def usage_of(self, name: str) -> tuple[int, records.Usage]:
        """Return the usage revision (0 when absent) and record of a host."""
        if name in self.usage:
            return self.usage[name]
        host = self.hosts.get(name)
        now = time.time()
        return 0, (records.Usage.for_host(host[1], now) if host
                   else records.Usage())

    def host_revision(self, name: str) -> int:
        return self.hosts.get(name, (0, None))[0]

    def group_of(self, name: str) -> tuple[int, dict[str, int]]:
        rev, members = self.groups.get(name, (0, {}))
        return rev, dict(members)

    # -- applying changes ---------------------------------------------------

    def apply(self, changes: Iterable[tuple[bool, etcd_client.KeyValue]],
              watched: bool = False) -> None:
        """Apply (deleted, KeyValue) changes that are newer than the copy.

        ``watched`` marks changes from the watch stream, which arrive in
        revision order, so tombstones older than them can be forgotten.
        """
        touched_hosts: set[str] = set()
        touched_usage: set[str] = set()
        for deleted, kv in changes:
            stored = self._store(kv.key, None if deleted else kv.value,
                                 kv.mod_revision)
            if stored is not None:
                kind, name = stored
                if kind == records.HOSTS:
                    touched_hosts.add(name)
                elif kind == records.USAGE:
                    touched_usage.add(name)
            if watched:
                self.watched_revision = max(self.watched_revision,
                                            kv.mod_revision)
        if watched and self._tombstones:
            self._tombstones = {
                key: rev for key, rev in self._tombstones.items()
                if rev > self.watched_revision}
        self._sync_rows(touched_hosts, touched_usage)

    def apply_watched(self, events: Iterable[dict]) -> None:
        """Apply watch events as the gateway sent them, at most one a key.

        Echoes of this process's own writes are skipped undecoded, but
        still move ``watched_revision`` on.
        """
        changes = []
        newest = self.watched_revision
        own = self._own_revisions
        for event in events:
            item = event['kv']
            revision = int(item.get('mod_revision', 0))
            if revision > newest:
                newest = revision
            if revision in own:
                continue
            changes.append((event.get('type') == 'DELETE',
                            etcd_client._kv(item)))
        self.watched_revision = newest
        if own:
            self._own_revisions = {rev for rev in own if rev > newest}
        self.apply(changes, watched=True)

    def observe(self, keys: Iterable[str],
                kvs: Iterable[etcd_client.KeyValue], revision: int) -> None:
        """Apply what a read of ``keys`` at ``revision`` returned.

        A key that the read did not return was absent at that revision.
        """
        found = {kv.key: kv for kv in kvs}
        changes = []
        for key in keys:
            if key in found:
                changes.append((False, found[key]))
            else:
                changes.append((True, etcd_client.KeyValue(key, b'',
                                                           revision)))
        self.apply(changes)

    def record(self, writes: Iterable[tuple[str, str | None]],
               revision: int,
               parsed: dict[str, object] | None = None) -> None:
        """Apply this process's own writes, made at ``revision``.

        Each write is (key, value), and a value of None is a delete.
        ``parsed`` maps keys to their decoded records, which saves decoding
        the values again.
        """
        if revision > self.watched_revision:
            self._own_revisions.add(revision)
        self._parsed = parsed or {}
        try:
            self.apply([(value is None, etcd_client.KeyValue(
                key, (value or '').encode('utf-8'), revision))
                for key, value in writes])
        finally:
            self._parsed = {}

    def _store(self, key: str, value: bytes | None,
               revision: int) -> tuple[str, str] | None:
        """Keep one key's new value if it is newer.

        Return the key's (kind, name) when it was kept, and None otherwise.
        """
        parsed = self.keys.parse(key)
        if parsed is None or parsed[0] == records.CLAIMS:
            return None
        kind, name = parsed
        records_of = {records.HOSTS: self.hosts, records.USAGE: self.usage,
                      records.GROUPS: self.groups}[kind]
        known = max(records_of.get(name, (0, None))[0],
                    self._tombstones.get(key, 0))
        if revision <= known:
            return None

        if value is None:
            records_of.pop(name, None)
            self._tombstones[key] = revision
            return parsed

        self._tombstones.pop(key, None)
        if key in self._parsed:
            records_of[name] = (revision, self._parsed[key])
        elif kind == records.HOSTS:
            self.hosts[name] = (revision, records.decode_host(key, value))
        elif kind == records.USAGE:
            self.usage[name] = (revision,
                                records.Usage.decode(key, value))
        else:
            self.groups[name] = (revision,
                                 records.decode_group(key, value))
        return parsed

    def _sync_rows(self, hosts: set[str], usage: set[str]) -> None:
        table = self.table
        for name in sorted(hosts):
            record = self.hosts.get(name)
            if record is None:
                if name in table:
                    table.remove(name)
            elif name in table:
                table.update(record[1])
            else:
                table.add(record[1])
        for name in sorted(hosts | usage):
            if name in table:
                self._set_row_usage(name)

    def _set_row_usage(self, name: str) -> None:
        _rev, usage = self.usage_of(name)
        self.table.set_usage(self.table.row(name), usage.claimed,
                             usage.external, usage.gpu_used,
                             usage.instances, usage.last_report)
