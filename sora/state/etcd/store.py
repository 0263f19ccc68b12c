"""The etcd state store: hosts, usage and claims shared by many schedulers.

Each scheduler process decides on its own copy of the host table, kept
current by a watch on etcd. A claim is one etcd transaction that writes the
host's new usage and the claim record only if the host's usage key still
has the revision that the decision saw. When another scheduler changed the
host first, nothing is written, the transaction's failure branch returns the
host's current records, and ClaimConflict makes the manager decide again.
So two schedulers can never both take the last room on a host.

A release, and every change to a host, is a transaction of the same kind.
The key layout is described in sora.state.etcd.records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
import time

from oslo_config import cfg
from oslo_log import log as logging

from sora import conf as sora_conf
from sora.conf import etcd as etcd_conf
from sora import exception
from sora.scheduler import checks
from sora.scheduler.host import Host
from sora.scheduler.host_table import CapacitySettings
from sora.scheduler.request import RequestSpec
from sora.scheduler.selection import Claim
from sora.state import base
from sora.state.etcd import client as etcd_client
from sora.state.etcd import inventory_sync
from sora.state.etcd import records
from sora.state.etcd import view as view_mod
from sora.state.etcd import watch as watch_mod

LOG = logging.getLogger(__name__)


class EtcdStore(base.StateStore):
    """Hosts and claims kept in etcd, shared by every scheduler using it."""

    shared = True

    def __init__(self, connection: etcd_client.Connection, prefix: str,
                 retries: int = 5,
                 settings: CapacitySettings | None = None) -> None:
        super().__init__(settings)
        self.connection = connection
        self.keys = records.Keys(prefix)
        self.retries = retries
        self.view = view_mod.View(self.hosts, self.keys)
        self._watch: watch_mod.Watch | None = None
        # Claims that must not exist: claims whose transaction got no
        # response, and releases that failed. Each is released, if present,
        # once etcd responds again.
        self._in_doubt: set[str] = set()
        # Conflicted claims that were sent again without a new decision.
        self.claims_retried = 0
        with self.lock:
            self._resync()

    @classmethod
    def from_conf(cls, conf: cfg.ConfigOpts) -> EtcdStore:
        etcd_conf.register_opts(conf)
        sora_conf.validate_opts(conf, list(etcd_conf.list_opts().items()))
        prefix = conf.etcd.key_prefix
        if not prefix or not prefix.strip('/'):
            raise exception.ConfigError(
                'etcd', 'key_prefix', prefix, 'the prefix must name a '
                'folder other than the root, for example /sora/')
        connection = etcd_client.Connection.from_conf(conf)
        return cls(connection, prefix, conf.scheduler.claim_retries)

    def describe(self) -> str:
        return 'etcd at %s under %s' % (', '.join(self.connection.endpoints),
                                        self.keys.prefix)

    # -- keeping the copy current -------------------------------------------

    def _resync(self) -> None:
        """Read every host again and restart the watch after that read."""
        if self._watch is not None:
            self._watch.stop()
            self._watch = None
        kvs, revision = self.connection.range_prefix(
            self.keys.state, 'reading the hosts')
        self.view.reset(kvs, revision)
        watch = watch_mod.Watch(self.connection, self.keys.state,
                                revision + 1)
        watch.start()
        self._watch = watch
        LOG.debug('Read %d hosts from etcd at revision %d',
                  len(self.hosts), revision)

    def refresh(self, hosts: Iterable[str] | None = None) -> None:
        """Apply the changes the watch has seen; read ``hosts`` directly.

        Without a working watch, every host is read again. Raise
        StoreUnavailable when etcd does not respond.
        """
        with self.lock:
            watch = self._watch
            if watch is not None:
                self._drain(watch)
            if watch is None or watch.failure:
                self._resync()
            if hosts:
                self.reread(hosts)
            if self._in_doubt:
                self._resolve_in_doubt()

    def _drain(self, watch: watch_mod.Watch) -> None:
        # Only the last change of each key matters, and the watch delivers
        # changes in revision order, so earlier ones are skipped undecoded.
        # Events are grouped by their base64 key, which identifies a key as
        # uniquely as the decoded one.
        latest = {}
        for events in watch.poll():
            for event in events:
                latest[event['kv']['key']] = event
        if latest:
            self.view.apply_watched(latest.values())

    def reread(self, hosts: Iterable[str]) -> None:
        """Read the records of ``hosts`` from etcd now."""
        keys = []
        for name in hosts:
            keys += [self.keys.host(name), self.keys.usage(name)]
        for start in range(0, len(keys), etcd_client.MAX_TXN_OPS):
            batch = keys[start:start + etcd_client.MAX_TXN_OPS]
            result = self.connection.read_keys(batch, 'reading hosts')
            self.view.observe(batch, result.kvs, result.revision)

    def _resolve_in_doubt(self) -> None:
        for claim_id in sorted(self._in_doubt):
            key = self.keys.claim(claim_id)
            result = self.connection.read_keys([key], 'checking claim %s'
                                               % claim_id)
            if result.kvs:
                claim = self._release(claim_id, result.kvs[0])
                LOG.warning('Released claim %s on host %s: its caller was '
                            'told it failed while etcd did not respond',
                            claim_id, claim.host)
            self._in_doubt.discard(claim_id)

    def _txn(self, action: str, compare: list[dict], success: list[dict],
             failure: list[dict] | None = None,
             in_doubt: str | None = None) -> etcd_client.TxnResult:
        try:
            return self.connection.txn(action, compare, success, failure)
        except exception.StoreUnavailable:
            if in_doubt:
                self._in_doubt.add(in_doubt)
            raise

    # -- claims -------------------------------------------------------------

    def claim(self, host: str, request: RequestSpec) -> Claim:
        """Record a claim on ``host``, trying again on the host's new usage.

        When the transaction conflicts only because other claims changed
        the host's usage, the failure branch has already returned that
        usage, so the claim is sent again at once if the request still
        fits, up to ``retries`` times. Placement does the same after a
        generation conflict, up to allocation_conflict_retry_count times.
        ClaimConflict, which makes the manager decide again, is raised at
        the first conflict for a request in a server group, and otherwise
        when the host's description changed, when the request no longer
        fits, or when the tries run out.
        """
        with self.lock:
            claim = base.new_claim(self.hosts, host, request)
            attempts = 1 if request.group else self.retries + 1
            for attempt in range(attempts):
                host_revision = self.view.host_revision(host)
                if self._claim_once(claim):
                    return claim
                LOG.debug('Claim on %s for request %s conflicted',
                          host, request.request_id)

                if attempt + 1 == attempts \
                        or self.view.host_revision(host) != host_revision:
                    break
                try:
                    claim = base.new_claim(self.hosts, host, request)
                except (exception.ClaimFailed, exception.HostNotFound):
                    break
                self.claims_retried += 1
            raise exception.ClaimConflict(host)

    def _claim_once(self, claim: Claim) -> bool:
        """Send one claim transaction; return False when it conflicted.

        On a conflict the host's records that the transaction read back are
        applied to the local copy.
        """
        claim_key = self.keys.claim(claim.claim_id)
        # The usage comparison also guards against writing the claim twice:
        # a resent transaction that was applied before finds a newer usage
        # revision, and its failure branch reads the claim key back.
        compare: list[dict] = []
        success = [etcd_client.put(claim_key, records.encode_claim(claim))]
        writes, reads, usage = self._usage_change(claim, 1, compare, success)
        result = self._txn('claiming host %s' % claim.host, compare, success,
                           [etcd_client.read(k) for k in reads + [claim_key]],
                           in_doubt=claim.claim_id)
        if result.succeeded:
            self.view.record(writes, result.revision, {reads[0]: usage})
            return True
        self.view.observe(reads, result.kvs, result.revision)
        # An earlier send of this same transaction was applied but its
        # reply was lost, and the resend found the claim there.
        return any(kv.key == claim_key for kv in result.kvs)

    def _usage_change(self, claim: Claim, sign: int, compare: list[dict],
                      success: list[dict]
                      ) -> tuple[list[tuple[str, str | None]], list[str],
                                 records.Usage]:
        """Add the usage and group writes of adding or removing a claim.

        Return the writes for the local copy, the keys to read back if the
        transaction fails, and the host's new usage.
        """
        usage_key = self.keys.usage(claim.host)
        usage_rev, usage = self.view.usage_of(claim.host)
        usage = usage.add(claim, sign)
        new_usage = usage.encode()
        compare.append(etcd_client.mod_equals(usage_key, usage_rev))
        success.append(etcd_client.put(usage_key, new_usage))
        writes: list[tuple[str, str | None]] = [(usage_key, new_usage)]
        reads = [usage_key, self.keys.host(claim.host)]
        if claim.group:
            group_key = self.keys.group(claim.group)
            group_rev, members = self.view.group_of(claim.group)
            members[claim.host] = members.get(claim.host, 0) + sign
            if members[claim.host] <= 0:
                del members[claim.host]
            compare.append(etcd_client.mod_equals(group_key, group_rev))
            if members:
                value = records.encode_group(members)
                success.append(etcd_client.put(group_key, value))
                writes.append((group_key, value))
            else:
                success.append(etcd_client.delete(group_key))
                writes.append((group_key, None))
            reads.append(group_key)
        return writes, reads, usage

    def release(self, claim_id: str) -> Claim:
        base.check_text('claim_id', claim_id, 'a claim id')
        with self.lock:
            key = self.keys.claim(claim_id)
            try:
                result = self.connection.read_keys(
                    [key], 'reading claim %s' % claim_id)
            except exception.StoreUnavailable:
                self._in_doubt.add(claim_id)
                raise
            if not result.kvs:
                raise exception.ClaimNotFound(claim_id)
            claim = self._release(claim_id, result.kvs[0])
            self._in_doubt.discard(claim_id)
            return claim

    def _release(self, claim_id: str, kv: etcd_client.KeyValue) -> Claim:
        """Delete a claim read as ``kv`` and take it off its host's usage."""
        key = self.keys.claim(claim_id)
        # NOTE: a release conflicts only when the host or the group changed
        # in between, so a few more attempts than a claim gets suffice.
        for _attempt in range(self.retries + 5):
            claim = records.decode_claim(key, kv.value)
            compare = [etcd_client.mod_equals(key, kv.mod_revision)]
            success = [etcd_client.delete(key)]
            writes, reads, usage = self._usage_change(claim, -1, compare,
                                                      success)
            result = self._txn('releasing claim %s' % claim_id, compare,
                               success,
                               [etcd_client.read(k) for k in reads + [key]],
                               in_doubt=claim_id)
            if result.succeeded:
                self.view.record(writes, result.revision, {reads[0]: usage})
                return claim
            self.view.observe(reads, result.kvs, result.revision)
            found = [item for item in result.kvs if item.key == key]
            if not found:
                raise exception.ClaimNotFound(claim_id)
            kv = found[0]
        raise exception.StoreConflict('releasing claim %s' % claim_id,
                                      self.retries + 5)

    def claims(self, host: str | None = None) -> list[Claim]:
        base.check_text('host', host, 'a host name or None', True)
        with self.lock:
            kvs, _revision = self.connection.range_prefix(
                self.keys.claims, 'reading the claims')
        found = []
        for kv in kvs:
            claim = _decoded_claim(kv)
            if claim is not None:
                found.append(claim)
        return [c for c in found if host is None or c.host == host]

    def group_members(self, group: str) -> Mapping[str, int]:
        base.check_text('group', group, 'a server group name')
        with self.lock:
            return self.view.group_of(group)[1]

    # -- hosts --------------------------------------------------------------

    def load(self, hosts: Sequence[Host]) -> list[Claim]:
        base.check_hosts(hosts)
        with self.lock:
            self.refresh()
            return inventory_sync.replace_hosts(self, hosts)

    def add_host(self, host: Host) -> None:
        checks.check_host(host)
        with self.lock:
            if not inventory_sync.write_hosts(self, [host], 'add'):
                raise exception.HostExists(host.name)

    def update_host(self, host: Host) -> None:
        checks.check_host(host)
        with self.lock:
            if host.name not in self.view.hosts:
                self.reread([host.name])
            if host.name not in self.view.hosts:
                raise exception.HostNotFound(host.name)
            # NOTE: another scheduler may claim a card past the new count
            # between this check and the write. That claim is kept, because
            # the write compares only the host's usage revision.
            base.check_cards_kept(host, self.claims(host.name))
            if not inventory_sync.write_hosts(self, [host], 'update'):
                raise exception.HostNotFound(host.name)

    def remove_host(self, name: str, force: bool = False) -> list[Claim]:
        base.check_removal(name, force)
        with self.lock:
            return inventory_sync.remove_host(self, name, force)

    def report(self, name: str, used: Mapping[str, int] | None = None,
               at: float | None = None) -> None:
        used, at = base.check_report(name, used, at)
        with self.lock:
            usage_key = self.keys.usage(name)
            for _attempt in range(self.retries + 5):
                if name not in self.view.hosts:
                    raise exception.HostNotFound(name)
                usage_rev, usage = self.view.usage_of(name)
                new = usage.copy()
                new.external.update(used or {})
                new.last_report = time.time() if at is None else at
                value = new.encode()
                result = self._txn(
                    'recording the usage of host %s' % name,
                    [etcd_client.mod_equals(usage_key, usage_rev)],
                    [etcd_client.put(usage_key, value)],
                    [etcd_client.read(usage_key),
                     etcd_client.read(self.keys.host(name))])
                if result.succeeded:
                    self.view.record([(usage_key, value)], result.revision)
                    return
                self.view.observe([usage_key, self.keys.host(name)],
                                  result.kvs, result.revision)
            raise exception.StoreConflict(
                'recording the usage of host %s' % name, self.retries + 5)

    def close(self) -> None:
        with self.lock:
            if self._watch is not None:
                self._watch.stop()
                self._watch = None
            self.connection.close()


def _decoded_claim(kv: etcd_client.KeyValue) -> Claim | None:
    """Return the claim that ``kv`` records, or None after a warning.

    One foreign or damaged key must not stop every release and every
    listing, so it is named in a warning that lets an operator remove it.
    The warning is logged after the except block, because oslo.log appends the
    exception being handled to a warning and would repeat its text.
    """
    try:
        return records.decode_claim(kv.key, kv.value)
    except exception.InvalidInventory as error:
        failure = error
    LOG.warning('Skipped key %s under the claims prefix, which is not a '
                'claim record: %s', kv.key, failure)
    return None
