"""Writing host descriptions to etcd: add, update, remove and replace all.

Every host write puts the host key and its usage key in one transaction
that compares both revisions, so a host change and a claim on that host
never interleave. Many hosts are written per transaction, in batches that
stay under etcd's limit on operations per transaction.

NOTE: replacing the whole inventory takes one transaction per batch, so a
scheduler may decide once or twice on a mix of old and new hosts while a
large inventory loads. Each host itself is always whole.
"""

from __future__ import annotations

from collections.abc import Sequence
import time
from typing import TYPE_CHECKING

from oslo_log import log as logging

from sora import exception
from sora.scheduler.host import Host
from sora.scheduler.selection import Claim
from sora.state.etcd import client as etcd_client
from sora.state.etcd import records

if TYPE_CHECKING:
    from sora.state.etcd.store import EtcdStore

LOG = logging.getLogger(__name__)

# Each host takes two compares, two puts and two reads.
BATCH = etcd_client.MAX_TXN_OPS // 2


def write_hosts(store: EtcdStore, hosts: Sequence[Host], mode: str) -> bool:
    """Write host descriptions, keeping the claims on them.

    ``mode`` is ``add`` (every host must be new), ``update`` (every host
    must exist) or ``put`` (either). Return False, writing nothing, when a
    host breaks the rule of its mode.
    """
    for start in range(0, len(hosts), BATCH):
        if not _write_batch(store, hosts[start:start + BATCH], mode):
            return False
    return True


def _write_batch(store: EtcdStore, batch: Sequence[Host], mode: str) -> bool:
    keys, view = store.keys, store.view
    attempts = store.retries + 5
    for _attempt in range(attempts):
        compare, success, reads = [], [], []
        writes: list[tuple[str, str | None]] = []
        now = time.time()
        for host in batch:
            host_key, usage_key = keys.host(host.name), keys.usage(host.name)
            exists = host.name in view.hosts
            if (mode == 'add' and exists) or (mode == 'update'
                                              and not exists):
                return False
            usage_rev, usage = view.usage_of(host.name)
            if exists:
                usage = usage.copy()
                usage.external = records.external_of(host)
                missing = host.gpus - len(usage.gpu_used)
                usage.gpu_used += [0] * max(missing, 0)
            else:
                usage = records.Usage.for_host(host, now)
            compare += [
                etcd_client.mod_equals(host_key,
                                       view.host_revision(host.name)),
                etcd_client.mod_equals(usage_key, usage_rev)]
            pairs = [(host_key, records.encode_host(host)),
                     (usage_key, usage.encode())]
            success += [etcd_client.put(k, v) for k, v in pairs]
            writes += pairs
            reads += [host_key, usage_key]

        result = store._txn('writing %d host(s)' % len(batch), compare,
                            success, [etcd_client.read(k) for k in reads])
        if result.succeeded:
            view.record(writes, result.revision)
            return True
        view.observe(reads, result.kvs, result.revision)
    raise exception.StoreConflict('writing %d host(s)' % len(batch),
                                  attempts)


def remove_host(store: EtcdStore, name: str, force: bool) -> list[Claim]:
    """Delete a host; with ``force``, release its claims first."""
    keys, view = store.keys, store.view
    host_key, usage_key = keys.host(name), keys.usage(name)
    dropped: list[Claim] = []
    attempts = store.retries + 5
    store.reread([name])
    for _attempt in range(attempts):
        if name not in view.hosts:
            raise exception.HostNotFound(name)
        usage_rev, usage = view.usage_of(name)
        if usage.instances:
            # The usage record only counts the claims, so their ids are
            # found by reading every claim. Only removals and reloads do.
            on_host = [claim.claim_id for claim in store.claims(name)]
            if not on_host:
                # The count was read before these claims were released, so
                # read it again.
                store.reread([name])
                continue
            if not force:
                raise exception.HostHasClaims(name, on_host)
            for claim_id in on_host:
                try:
                    dropped.append(store.release(claim_id))
                except exception.ClaimNotFound:
                    LOG.debug('Claim %s on host %s was released by another '
                              'scheduler first', claim_id, name)
            continue

        result = store._txn(
            'removing host %s' % name,
            [etcd_client.mod_equals(host_key, view.host_revision(name)),
             etcd_client.mod_equals(usage_key, usage_rev)],
            [etcd_client.delete(host_key), etcd_client.delete(usage_key)],
            [etcd_client.read(host_key), etcd_client.read(usage_key)])
        if result.succeeded:
            view.record([(host_key, None), (usage_key, None)],
                        result.revision)
            return dropped
        view.observe([host_key, usage_key], result.kvs, result.revision)
    raise exception.StoreConflict('removing host %s' % name, attempts)


def replace_hosts(store: EtcdStore, hosts: Sequence[Host]) -> list[Claim]:
    """Make etcd hold exactly ``hosts``; return the claims dropped.

    Hosts that are gone lose their claims. A host that kept its name loses
    only the claims on GPU cards it no longer has. Hosts whose description
    did not change are not written, so their revisions stay the same and
    no decision in flight conflicts with the load.
    """
    view = store.view
    wanted = {host.name for host in hosts}
    dropped: list[Claim] = []
    for name in sorted(set(view.hosts) - wanted):
        dropped += remove_host(store, name, force=True)

    changed = []
    for host in hosts:
        if host.name not in view.hosts:
            changed.append(host)
            continue
        _rev, usage = view.usage_of(host.name)
        if any(usage.gpu_used[host.gpus:]):
            dropped += _drop_missing_cards(store, host)
        if (view.hosts[host.name][1] != host
                or usage.external != records.external_of(host)):
            changed.append(host)

    write_hosts(store, changed, 'put')
    LOG.info('Wrote %d of %d hosts to %s; %d were unchanged',
             len(changed), len(hosts), store.describe(),
             len(hosts) - len(changed))
    return dropped


def _drop_missing_cards(store: EtcdStore, host: Host) -> list[Claim]:
    dropped = []
    for claim in store.claims(host.name):
        if any(card >= host.gpus for card in claim.gpu_cards):
            try:
                dropped.append(store.release(claim.claim_id))
            except exception.ClaimNotFound:
                continue
    return dropped
