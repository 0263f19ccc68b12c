"""Options of the ``[inventory]`` group: where the hosts come from."""

import copy

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'inventory',
    title='Inventory options',
    help='Options that choose the source of the hosts the scheduler places '
         'requests on.')

OPTS = [
    cfg.StrOpt(
        'source',
        default='file',
        mutable=True,
        help="""
The inventory source that lists the hosts.

The name is looked up in the ``sora.inventory`` entry-point namespace, so a
site can add its own source. sora itself provides:

* ``file``: a JSON file in sora's inventory format.
* ``openb-csv``: a node list CSV with the columns
  ``sn,cpu_milli,memory_mib,gpu,model``.
* ``local``: the machine sora runs on, read with psutil.

Possible values:

* The name of an installed inventory source.

Related options:

* ``[inventory] path``
"""),
    cfg.StrOpt(
        'path',
        mutable=True,
        help="""
The file that the ``file`` and ``openb-csv`` sources read.

When unset, the ``file`` source reads the small sample inventory that ships
with sora, so that ``sora-scheduler select`` works right after install.

Possible values:

* Unset, or the path of a readable file.

Related options:

* ``[inventory] source``
"""),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    # A copy, as in sora.conf.register_opts, so that two ConfigOpts never
    # share options or overrides.
    conf.register_group(copy.deepcopy(GROUP))
    conf.register_opts(OPTS, group=GROUP.name)


def list_opts() -> dict:
    return {GROUP: OPTS}
