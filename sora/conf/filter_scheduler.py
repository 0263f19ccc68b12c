"""Options of the ``[filter_scheduler]`` group: filters and host capacity."""

import copy

from oslo_config import cfg

GROUP = cfg.OptGroup(
    'filter_scheduler',
    title='Filter scheduler options',
    help='Options that decide which hosts can hold a request, and how much '
         'of each host can be allocated.')

OPTS = [
    cfg.ListOpt(
        'enabled_filters',
        default=['resources', 'gpu'],
        mutable=True,
        help="""
The filters that run, in order, before the policy ranks hosts.

Each name is looked up in the ``sora.scheduler.filters`` entry-point
namespace. A host is removed by the first filter that rejects it, and that
filter's reason is what ``NoValidHost`` counts for the host. Put cheap filters
that remove many hosts first.

Possible values:

* A comma-separated list of installed filter names. An empty list keeps
  every host, including hosts too small for the request.

Related options:

* ``[scheduler] driver``: the policy that ranks the hosts that pass.
"""),
    cfg.IntOpt(
        'host_subset_size',
        default=1,
        min=1,
        mutable=True,
        help="""
The number of best-ranked hosts from which the chosen host is drawn at random.

With 1, the best host always wins, so decisions repeat exactly. A larger value
spreads concurrent requests from several schedulers over more hosts, at the
cost of sometimes choosing a host that ranked lower.

Possible values:

* An integer of 1 or more.

Related options:

* ``[scheduler] seed``: makes the random draw repeatable.
* ``[filter_scheduler] shuffle_best_same_weighed_hosts``
"""),
    cfg.BoolOpt(
        'shuffle_best_same_weighed_hosts',
        default=False,
        mutable=True,
        help="""
Break ties between equally ranked hosts at random instead of by host name.

With the default, the host whose name sorts first wins a tie, so identical
hosts fill one after another. Enabling this spreads such requests over the
tied hosts.

Related options:

* ``[scheduler] seed``: makes the random draw repeatable.
* ``[filter_scheduler] host_subset_size``
"""),
    cfg.FloatOpt(
        'cpu_allocation_ratio',
        default=1.0,
        min=0.0,
        mutable=True,
        help="""
Virtual CPUs that may be allocated per physical CPU of a host.

The CPU capacity of a host is ``(vcpus - reserved_host_cpus) * ratio``. A
single instance may still never ask for more than the host's physical CPUs.
A host's inventory entry may set its own ratio, which wins over this one.

Possible values:

* A float of 0.0 or more. 1.0 means no overcommit.

Related options:

* ``[filter_scheduler] reserved_host_cpus``
"""),
    cfg.FloatOpt(
        'ram_allocation_ratio',
        default=1.0,
        min=0.0,
        mutable=True,
        help="""
Virtual memory that may be allocated per MiB of physical memory of a host.

The memory capacity of a host is ``(memory_mb - reserved_host_memory_mb) *
ratio``. A single instance may still never ask for more than the host's
physical memory. A host's inventory entry may set its own ratio, which wins
over this one.

Possible values:

* A float of 0.0 or more. 1.0 means no overcommit.

Related options:

* ``[filter_scheduler] reserved_host_memory_mb``
"""),
    cfg.FloatOpt(
        'disk_allocation_ratio',
        default=1.0,
        min=0.0,
        mutable=True,
        help="""
Virtual disk that may be allocated per GiB of physical disk of a host.

The disk capacity of a host is ``(disk_gb - reserved_host_disk_gb) *
ratio``. A host's inventory entry may set its own ratio, which wins over this
one.

Possible values:

* A float of 0.0 or more. 1.0 means no overcommit.

Related options:

* ``[filter_scheduler] reserved_host_disk_gb``
"""),
    cfg.IntOpt(
        'reserved_host_memory_mb',
        default=0,
        min=0,
        mutable=True,
        help="""
Memory in MiB kept back on every host for its own services.

It is subtracted from the host's memory once, before the allocation ratio
applies, so no request and no policy ever sees it as free.

Possible values:

* An integer of 0 or more, in MiB.
"""),
    cfg.FloatOpt(
        'reserved_host_cpus',
        default=0.0,
        min=0.0,
        mutable=True,
        help="""
CPUs kept back on every host for its own services.

Fractions are allowed and are kept exact to a thousandth of a CPU.

Possible values:

* A number of 0 or more, in CPUs.
"""),
    cfg.IntOpt(
        'reserved_host_disk_gb',
        default=0,
        min=0,
        mutable=True,
        help="""
Disk in GiB kept back on every host for its own services.

Possible values:

* An integer of 0 or more, in GiB.
"""),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    # A copy, as in sora.conf.register_opts, so that two ConfigOpts never
    # share options or overrides.
    conf.register_group(copy.deepcopy(GROUP))
    conf.register_opts(OPTS, group=GROUP.name)


def list_opts() -> dict:
    return {GROUP: OPTS}
