"""A private etcd server for the tests, from Debian's etcd-server package.

The server listens on free ports of 127.0.0.1 only, keeps its data in a
temporary folder, and is stopped when the test ends. Tests that need it
skip themselves when no etcd binary is installed.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time

import fixtures

ETCD_MISSING = ('the etcd binary is not installed. Install it with '
                '"apt-get install -y etcd-server" to run the etcd tests.')


def etcd_binary():
    """Return the path of the etcd binary, or None."""
    return shutil.which('etcd') or (
        '/usr/bin/etcd' if os.access('/usr/bin/etcd', os.X_OK) else None)


def free_port():
    """Return a TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class EtcdServer(fixtures.Fixture):
    """One etcd member on loopback, started by the fixture.

    Attributes: ``endpoint`` (host:port of the client port), ``data_dir``
    and ``log_path``. ``kill()`` stops it at once, as a crash would, and
    ``start()`` starts it again on the same ports and data. The data
    goes to a new folder under ``parent_dir`` (default: the system's
    temporary folder). With ``tls``, a (certificate, key, CA) triple of
    file paths, the client port serves HTTPS with that certificate.
    """

    def __init__(self, extra_args=(), parent_dir=None, tls=None):
        super().__init__()
        self.extra_args = list(extra_args)
        self.parent_dir = parent_dir
        self.tls = tls
        self.process = None

    def _setUp(self):
        binary = etcd_binary()
        if binary is None:
            raise RuntimeError(ETCD_MISSING)
        self.binary = binary
        root = self.useFixture(fixtures.TempDir(self.parent_dir)).path
        self.data_dir = os.path.join(root, 'data')
        self.log_path = os.path.join(root, 'etcd.log')
        self.client_port = free_port()
        self.peer_port = free_port()
        self.endpoint = '127.0.0.1:%d' % self.client_port
        self.addCleanup(self.kill)
        self.start()

    def start(self):
        scheme = 'https' if self.tls else 'http'
        client_url = '%s://127.0.0.1:%d' % (scheme, self.client_port)
        peer_url = 'http://127.0.0.1:%d' % self.peer_port
        command = [
            self.binary, '--name', 'sora-test',
            '--data-dir', self.data_dir,
            '--listen-client-urls', client_url,
            '--advertise-client-urls', client_url,
            '--listen-peer-urls', peer_url,
            '--initial-advertise-peer-urls', peer_url,
            '--initial-cluster', 'sora-test=' + peer_url,
            '--initial-cluster-state', 'new',
        ] + self.extra_args
        if self.tls:
            command += ['--cert-file', self.tls[0], '--key-file', self.tls[1]]
        with open(self.log_path, 'ab') as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        self._wait_healthy()

    def _wait_healthy(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.request('GET', '/health', quiet=True) is not None:
                return
            time.sleep(0.1)
        with open(self.log_path, errors='replace') as log:
            tail = log.read()[-2000:]
        self.kill()
        raise RuntimeError('etcd did not become healthy on %s; its log '
                           'ends with:\n%s' % (self.endpoint, tail))

    def request(self, method, path, body=None, quiet=False, headers=None):
        """Send one request to the server and return the decoded reply.

        With ``quiet``, a connection error returns None instead of raising.
        """
        if self.tls:
            connection = http.client.HTTPSConnection(
                '127.0.0.1', self.client_port, timeout=5,
                context=ssl.create_default_context(cafile=self.tls[2]))
        else:
            connection = http.client.HTTPConnection(
                '127.0.0.1', self.client_port, timeout=5)
        try:
            connection.request(method, path,
                               body=None if body is None
                               else json.dumps(body),
                               headers=headers or {})
            response = connection.getresponse()
            data = response.read()
        except OSError:
            if quiet:
                return None
            raise
        finally:
            connection.close()
        if response.status != 200:
            if quiet:
                return None
            raise RuntimeError('etcd answered %s to %s: %s'
                               % (response.status, path, data[:300]))
        return json.loads(data)

    def kill(self):
        """Stop the server at once with SIGKILL and wait for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None
