"""Options of the ``[inventory]`` group: where the hosts come from."""

from oslo_config import cfg

from sora.conf import groups

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
with sora, so that ``sora-scheduler select`` works right after install. An
empty value is an error rather than a way to get the sample. A relative path
is read from the current directory, and messages show it as an absolute path.

The file must be UTF-8 text. Amounts in it are limited: memory, disk and CPUs
in thousandths to 2**48, GPU cards to 64 per host, and allocation ratios to
1000, so that capacity fits in a 64-bit integer.

Possible values:

* Unset, or the path of a readable UTF-8 file.

Related options:

* ``[inventory] source``
"""),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register_group(conf, GROUP, OPTS)


def list_opts() -> dict:
    return {GROUP: OPTS}
