"""The etcd store against an etcd server that serves HTTPS."""

import os
import shutil
import subprocess
import time

import fixtures

from sora.scheduler.host import Host
from sora.scheduler.request import RequestSpec
from sora.state.etcd import client as etcd_client
from sora.state.etcd import store as etcd_store
from tests import base
from tests import etcd_server


def _make_certificates(folder):
    """Write a CA and a certificate for 127.0.0.1 that it signed.

    Return the (certificate, key, CA) paths.
    """
    def openssl(*args):
        subprocess.run(['openssl'] + list(args), cwd=folder, check=True,
                       capture_output=True)

    key_options = ['-newkey', 'ec', '-pkeyopt',
                   'ec_paramgen_curve:prime256v1', '-nodes']
    openssl('req', '-x509', *key_options, '-keyout', 'ca.key', '-out',
            'ca.crt', '-days', '2', '-subj', '/CN=sora test CA')
    openssl('req', *key_options, '-keyout', 'server.key', '-out',
            'server.csr', '-subj', '/CN=127.0.0.1')
    with open(os.path.join(folder, 'san.ext'), 'w') as extensions:
        extensions.write('subjectAltName=IP:127.0.0.1\n')
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey',
            'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2',
            '-extfile', 'san.ext')
    return tuple(os.path.join(folder, name)
                 for name in ('server.crt', 'server.key', 'ca.crt'))


class EtcdTlsTest(base.TestCase):

    def setUp(self):
        super().setUp()
        if etcd_server.etcd_binary() is None:
            self.skipTest(etcd_server.ETCD_MISSING)
        if shutil.which('openssl') is None:
            self.skipTest('the openssl command is not installed; it makes '
                          'the test certificates')
        folder = self.useFixture(fixtures.TempDir()).path
        self.tls = _make_certificates(folder)
        self.etcd = self.useFixture(etcd_server.EtcdServer(tls=self.tls))

    def new_store(self):
        connection = etcd_client.Connection(
            [self.etcd.endpoint], 0.5, 2.0, ca_file=self.tls[2])
        store = etcd_store.EtcdStore(connection, '/tls-test/')
        self.addCleanup(store.close)
        return store

    def test_watch_over_tls_delivers_claims(self):
        first = self.new_store()
        first.load([Host('h1', memory_mb=4096, vcpus_milli=4000)])
        second = self.new_store()
        watch = second._watch

        first.claim('h1', RequestSpec(memory_mb=1024))
        # The watch stream is read without waiting, which over TLS ends
        # each read with SSLWantReadError instead of BlockingIOError.
        for _ in range(100):
            second.refresh()
            if second.hosts.memory_mb_free[0] == 3072:
                break
            time.sleep(0.02)

        self.assertEqual(3072, second.hosts.memory_mb_free[0])
        # The change came through the first watch, not a resync after it
        # failed.
        self.assertIs(watch, second._watch)
        self.assertIsNone(watch.failure)
