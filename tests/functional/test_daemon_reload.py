"""A real daemon process that reloads its policy on SIGHUP.

The test writes a small daemon that embeds the manager, calls
``conf.mutate_config_files()`` in its SIGHUP handler, as oslo.service does,
and serves placement requests over a loopback socket. The test then edits
sora.conf and the inventory under the running process.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import fixtures

from tests import base

DAEMON = textwrap.dedent('''
    import json
    import signal
    import socket
    import sys
    import threading

    from oslo_config import cfg
    from oslo_log import log as logging

    from sora import exception
    from sora.scheduler.manager import SchedulerManager
    from sora.scheduler.request import RequestSpec

    conf = cfg.ConfigOpts()
    logging.register_options(conf)
    conf(sys.argv[1:], project='sora')
    logging.setup(conf, 'sora')
    manager = SchedulerManager(conf)
    reloads = 0


    def on_sighup(signum, frame):
        global reloads
        conf.mutate_config_files()
        reloads += 1


    def answer(message):
        if message['op'] == 'status':
            return {'policy': manager.driver_name, 'reloads': reloads,
                    'hosts': list(manager.store.hosts.names)}
        try:
            [selection] = manager.select_destinations(
                RequestSpec(memory_mb=message['memory_mb']))
        except exception.NoValidHost as error:
            return {'error': str(error)}
        manager.release(selection)
        return {'host': selection.host, 'policy': manager.driver_name}


    def serve(server):
        while True:
            connection, _address = server.accept()
            with connection, connection.makefile('rw') as stream:
                for line in stream:
                    stream.write(json.dumps(answer(json.loads(line))) + '\\n')
                    stream.flush()


    signal.signal(signal.SIGHUP, on_sighup)
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen()
    threading.Thread(target=serve, args=(server,), daemon=True).start()
    print(server.getsockname()[1], flush=True)
    while True:
        signal.pause()
''')

INVENTORY = {'hosts': [
    {'name': 'big', 'memory_mb': 65536, 'vcpus': 16},
    {'name': 'medium', 'memory_mb': 32768, 'vcpus': 16},
    {'name': 'small', 'memory_mb': 16384, 'vcpus': 16},
]}


class DaemonReloadTest(base.TestCase):

    def setUp(self):
        super().setUp()
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        self.conf_path = self.path('sora.conf')
        self.log_path = self.path('daemon.log')
        self.inventory_path = self.path('hosts.json')
        self.write_inventory(INVENTORY)

    def path(self, name):
        return os.path.join(self.tempdir, name)

    def write_conf(self, scheduler):
        with open(self.conf_path, 'w', encoding='utf-8') as stream:
            stream.write('[scheduler]\n%s\n[inventory]\nsource = file\n'
                         'path = %s\n' % (scheduler, self.inventory_path))

    def write_inventory(self, data):
        with open(self.inventory_path, 'w', encoding='utf-8') as stream:
            json.dump(data, stream)

    def start_daemon(self):
        script = self.path('daemon.py')
        with open(script, 'w', encoding='utf-8') as stream:
            stream.write(DAEMON)
        process = subprocess.Popen(
            [sys.executable, script, '--config-file', self.conf_path,
             '--log-file', self.log_path],
            stdout=subprocess.PIPE, text=True)
        self.addCleanup(self.stop_daemon, process)
        port = process.stdout.readline().strip()
        self.assertTrue(port, 'the daemon exited before it listened; see '
                        '%s' % self.log_path)
        self.client = socket.create_connection(('127.0.0.1', int(port)),
                                               timeout=30)
        self.stream = self.client.makefile('rw')
        self.addCleanup(self.client.close)
        self.addCleanup(self.stream.close)
        return process

    def stop_daemon(self, process):
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
        process.stdout.close()

    def call(self, **message):
        self.stream.write(json.dumps(message) + '\n')
        self.stream.flush()
        return json.loads(self.stream.readline())

    def place(self, count=30):
        return [self.call(op='select', memory_mb=1024) for _ in range(count)]

    def sighup(self, process, reloads):
        """Send SIGHUP and wait until the daemon has handled it."""
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = self.call(op='status')
            if status['reloads'] >= reloads:
                return status
            time.sleep(0.05)
        self.fail('the daemon did not handle SIGHUP within 30 seconds')

    def read_log(self):
        with open(self.log_path, encoding='utf-8') as stream:
            return stream.read()

    def test_sighup_reloads_policy(self):
        self.write_conf('driver = memory\nseed = 11')
        process = self.start_daemon()

        before = self.place()
        self.assertEqual({'big'}, {r['host'] for r in before})
        self.assertEqual({'memory'}, {r['policy'] for r in before})

        self.write_conf('driver = random\nseed = 11')
        status = self.sighup(process, 1)

        self.assertEqual('random', status['policy'])
        after = self.place()
        self.assertEqual({'random'}, {r['policy'] for r in after})
        self.assertEqual({'big', 'medium', 'small'},
                         {r['host'] for r in after})
        self.assertIn('Scheduler policy changed from memory to random',
                      self.read_log())

        self.write_conf('driver = memroy\nseed = 11')
        status = self.sighup(process, 2)

        self.assertEqual('random', status['policy'])
        still = self.place()
        self.assertEqual({'random'}, {r['policy'] for r in still})
        self.assertNotIn('error', still[0])
        log = self.read_log()
        self.assertIn('Rejected the new configuration', log)
        self.assertIn("Invalid value 'memroy' for option [scheduler] driver",
                      log)
        self.assertIsNone(process.poll())

    def test_sighup_rereads_inventory(self):
        self.write_conf('driver = memory')
        process = self.start_daemon()

        self.write_inventory({'hosts': [
            {'name': 'big', 'memory_mb': 65536, 'vcpus': 16},
            {'name': 'huge', 'memory_mb': 262144, 'vcpus': 64},
        ]})
        status = self.sighup(process, 1)

        self.assertEqual(['big', 'huge'], status['hosts'])
        self.assertEqual({'huge'}, {r['host'] for r in self.place(5)})

        with open(self.inventory_path, 'w', encoding='utf-8') as stream:
            stream.write('{"hosts": [')
        status = self.sighup(process, 2)

        self.assertEqual(['big', 'huge'], status['hosts'])
        self.assertIn('not valid JSON', self.read_log())
        self.assertIsNone(process.poll())
