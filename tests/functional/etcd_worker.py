"""One scheduler process for the etcd tests.

It embeds a SchedulerManager on the etcd store and places one request after
another, writing one JSON line per outcome to its output file:

* ``{"event": "placed", "claim": ID, "host": NAME}``
* ``{"event": "no_valid_host", "reasons": {...}}``
* ``{"event": "error", "type": NAME, "message": TEXT}``

It starts placing when the go file exists, and stops when the stop file
exists, when the deadline passes, or, with ``--until-full``, at the first
NoValidHost that is not caused by contention.
"""

import argparse
import json
import os
import sys
import time

from oslo_config import cfg

from sora import conf as sora_conf
from sora import exception
from sora.scheduler.manager import SchedulerManager
from sora.scheduler.request import RequestSpec


def parse_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument('--endpoint', required=True)
    parser.add_argument('--prefix', required=True)
    parser.add_argument('--output', required=True)
    parser.add_argument('--go-file', required=True)
    parser.add_argument('--stop-file', required=True)
    parser.add_argument('--memory-mb', type=int, default=1024)
    parser.add_argument('--max-seconds', type=float, default=60.0)
    parser.add_argument('--pause', type=float, default=0.0)
    parser.add_argument('--until-full', action='store_true')
    return parser.parse_args(argv)


def build_manager(args):
    conf = cfg.ConfigOpts()
    sora_conf.register_opts(conf)
    conf([], default_config_files=[], default_config_dirs=[])
    conf.set_override('state_store', 'etcd', group='scheduler')
    conf.set_override('endpoints', [args.endpoint], group='etcd')
    conf.set_override('key_prefix', args.prefix, group='etcd')
    conf.set_override('request_timeout', 2.0, group='etcd')
    conf.set_override('connect_timeout', 0.5, group='etcd')
    return SchedulerManager(conf)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    manager = build_manager(args)
    deadline = time.monotonic() + args.max_seconds
    with open(args.output, 'a', buffering=1) as out:
        out.write(json.dumps({'event': 'ready'}) + '\n')
        while not os.path.exists(args.go_file):
            if time.monotonic() > deadline:
                return 1
            time.sleep(0.01)

        while time.monotonic() < deadline:
            if os.path.exists(args.stop_file):
                break
            try:
                selection = manager.select_destinations(
                    RequestSpec(memory_mb=args.memory_mb))[0]
                line = {'event': 'placed', 'claim': selection.claim.claim_id,
                        'host': selection.host}
            except exception.NoValidHost as error:
                line = {'event': 'no_valid_host', 'reasons': error.reasons}
            except exception.SoraException as error:
                line = {'event': 'error', 'type': type(error).__name__,
                        'message': str(error)}
            out.write(json.dumps(line) + '\n')
            if line['event'] == 'no_valid_host' and args.until_full \
                    and 'contention' not in line['reasons']:
                break
            if line['event'] == 'error':
                time.sleep(0.05)
            elif args.pause:
                time.sleep(args.pause)
    manager.store.close()
    return 0


if __name__ == '__main__':
    sys.exit(main())
