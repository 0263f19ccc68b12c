"""Options of the ``[filter_scheduler]`` group.

They choose the filters and weighers, how ties are broken, and how much of
each host can be allocated.
"""

from oslo_config import cfg

from sora.conf import groups
from sora.scheduler import units

GROUP = cfg.OptGroup(
    'filter_scheduler',
    title='Filter scheduler options',
    help='Options that decide which hosts can hold a request, and how much '
         'of each host can be allocated.')

OPTS = [
    cfg.ListOpt(
        'enabled_filters',
        default=['enabled', 'availability_zone', 'host_hints', 'labels',
                 'affinity', 'resources', 'gpu'],
        mutable=True,
        help="""
The filters that run, in order, before the policy ranks hosts.

Each name is looked up in the ``sora.scheduler.filters`` entry-point
namespace. A host is removed by the first filter that rejects it, and that
filter's reason is what ``NoValidHost`` counts for the host. Put cheap
filters that remove many hosts first. sora provides:

* ``enabled``: removes disabled hosts and hosts that stopped reporting.
* ``availability_zone``: keeps the hosts of the requested zone.
* ``host_hints``: applies the ``same_host`` and ``different_host`` hints.
* ``labels``: keeps hosts that carry every required ``key=value`` label.
* ``affinity``: applies the affinity or anti-affinity of the request's
  group and its ``max_per_host``.
* ``resources``: keeps hosts with enough free memory, CPUs and disk.
* ``gpu``: keeps hosts with the GPU cards, share and model requested.

Possible values:

* A comma-separated list of installed filter names. An empty list keeps
  every host, including hosts too small for the request. Every policy gets
  the hosts that pass, including policies from other packages.

Related options:

* ``[scheduler] driver``: the policy that ranks the hosts that pass.
* ``[filter_scheduler] service_down_time``: used by ``enabled``.
"""),
    cfg.IntOpt(
        'service_down_time',
        default=0,
        min=0,
        mutable=True,
        help="""
Seconds after its last report at which a host counts as down.

The ``enabled`` filter removes a host whose last report, or the time it was
added if it never reported, is older than this. Hosts report through
``SchedulerManager.report_usage``. The check is off by default because hosts
read from a file inventory never report. Turn it on when every host reports
more often than this limit, for example every 10 s with a limit of 60 s.

Possible values:

* 0 (default): the check is off, and only disabled hosts are removed.
* An integer above 0, in seconds.

Related options:

* ``[filter_scheduler] enabled_filters``: must list ``enabled``.
"""),
    cfg.ListOpt(
        'weighers',
        default=['ram', 'cpu', 'disk', 'gpu'],
        mutable=True,
        help="""
The weighers whose scores the ``weighted`` policy adds up.

Each name is looked up in the ``sora.scheduler.weighers`` entry-point
namespace. Every weigher scores the hosts that passed the filters. Its scores
are scaled to the range 0 to 1 within the decision and multiplied by
``[filter_scheduler] <name>_weight_multiplier``, and the host with the
highest sum wins. sora provides ``ram``, ``cpu``, ``disk``, ``gpu`` and
``num_instances``. The last one is not listed by default because it counts
instances whatever their size.

Possible values:

* A comma-separated list of installed weigher names. An empty list gives
  every host the score 0, so the tie-break decides, and the ``weighted``
  policy logs a warning when it is loaded. It does the same when every
  listed weigher has a multiplier of 0.

Related options:

* ``[scheduler] driver``: weighers run only under the ``weighted`` policy.
* ``[filter_scheduler] ram_weight_multiplier`` and the other multipliers.
"""),
    cfg.FloatOpt(
        'ram_weight_multiplier',
        default=1.0,
        min=-units.MAX_MULTIPLIER,
        max=units.MAX_MULTIPLIER,
        mutable=True,
        help="""
Multiplier of the ``ram`` weigher, which scores hosts by free memory.

Free memory is counted in MiB after reserved memory, the allocation ratio and
every claim. A positive value spreads instances over the hosts with the most
free memory, a negative value stacks them on the hosts with the least, and 0
turns the weigher off.

Possible values:

* A number from -1000000 to 1000000. Its size relative to the other
  multipliers sets the weigher's share of the final score. Weights are
  scaled to 0 to 1 before they are multiplied, so a ratio of a million
  between two multipliers already lets one weigher decide alone, and the
  bound keeps the summed scores finite.

Related options:

* ``[filter_scheduler] weighers``: must list ``ram``.
"""),
    cfg.FloatOpt(
        'cpu_weight_multiplier',
        default=1.0,
        min=-units.MAX_MULTIPLIER,
        max=units.MAX_MULTIPLIER,
        mutable=True,
        help="""
Multiplier of the ``cpu`` weigher, which scores hosts by free CPUs.

Free CPUs are counted after reserved CPUs, the allocation ratio and every
claim. A positive value spreads instances over the hosts with the most free
CPUs, a negative value stacks them on the hosts with the least, and 0 turns
the weigher off.

Possible values:

* A number from -1000000 to 1000000. Its size relative to the other
  multipliers sets the weigher's share of the final score. Weights are
  scaled to 0 to 1 before they are multiplied, so a ratio of a million
  between two multipliers already lets one weigher decide alone, and the
  bound keeps the summed scores finite.

Related options:

* ``[filter_scheduler] weighers``: must list ``cpu``.
"""),
    cfg.FloatOpt(
        'disk_weight_multiplier',
        default=1.0,
        min=-units.MAX_MULTIPLIER,
        max=units.MAX_MULTIPLIER,
        mutable=True,
        help="""
Multiplier of the ``disk`` weigher, which scores hosts by free disk.

Free disk is counted in GiB after reserved disk, the allocation ratio and
every claim. A positive value spreads instances over the hosts with the most
free disk, a negative value stacks them on the hosts with the least, and 0
turns the weigher off.

Possible values:

* A number from -1000000 to 1000000. Its size relative to the other
  multipliers sets the weigher's share of the final score. Weights are
  scaled to 0 to 1 before they are multiplied, so a ratio of a million
  between two multipliers already lets one weigher decide alone, and the
  bound keeps the summed scores finite.

Related options:

* ``[filter_scheduler] weighers``: must list ``disk``.
"""),
    cfg.FloatOpt(
        'gpu_weight_multiplier',
        default=1.0,
        min=-units.MAX_MULTIPLIER,
        max=units.MAX_MULTIPLIER,
        mutable=True,
        help="""
Multiplier of the ``gpu`` weigher, which scores hosts by free GPU share.

The free share is summed over a host's cards, in thousandths of a card, after
every claim; a host without GPUs has 0. A positive value spreads instances
over the hosts with the most free GPU share, a negative value stacks them on
the hosts with the least, and 0 turns the weigher off.

Possible values:

* A number from -1000000 to 1000000. Its size relative to the other
  multipliers sets the weigher's share of the final score. Weights are
  scaled to 0 to 1 before they are multiplied, so a ratio of a million
  between two multipliers already lets one weigher decide alone, and the
  bound keeps the summed scores finite.

Related options:

* ``[filter_scheduler] weighers``: must list ``gpu``.
"""),
    cfg.FloatOpt(
        'num_instances_weight_multiplier',
        default=1.0,
        min=-units.MAX_MULTIPLIER,
        max=units.MAX_MULTIPLIER,
        mutable=True,
        help="""
Multiplier of the ``num_instances`` weigher, which scores hosts by how few
instances sora placed on them.

A positive value spreads instances over the hosts with the fewest instances,
a negative value stacks them on the hosts with the most, and 0 turns the
weigher off. The sign has the same meaning as for the other weighers, which
is the opposite of nova's weigher of the same name.

Possible values:

* A number from -1000000 to 1000000. Its size relative to the other
  multipliers sets the weigher's share of the final score. Weights are
  scaled to 0 to 1 before they are multiplied, so a ratio of a million
  between two multipliers already lets one weigher decide alone, and the
  bound keeps the summed scores finite.

Related options:

* ``[filter_scheduler] weighers``: must list ``num_instances``, which is not
  listed by default.
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
        max=units.MAX_RATIO,
        mutable=True,
        help="""
Virtual CPUs that may be allocated per physical CPU of a host.

The CPU capacity of a host is ``(vcpus - reserved_host_cpus) * ratio``. A
single instance may still never ask for more than the host's physical CPUs.
A host's inventory entry may set its own ratio, which wins over this one.

Possible values:

* A float from 0.0 to 1000.0. 1.0 means no overcommit. The limit keeps
  capacity, which sora computes in 64-bit integers, from overflowing. A
  ratio that a host's inventory entry sets has the same limit.

Related options:

* ``[filter_scheduler] reserved_host_cpus``
"""),
    cfg.FloatOpt(
        'ram_allocation_ratio',
        default=1.0,
        min=0.0,
        max=units.MAX_RATIO,
        mutable=True,
        help="""
Virtual memory that may be allocated per MiB of physical memory of a host.

The memory capacity of a host is ``(memory_mb - reserved_host_memory_mb) *
ratio``. A single instance may still never ask for more than the host's
physical memory. A host's inventory entry may set its own ratio, which wins
over this one.

Possible values:

* A float from 0.0 to 1000.0. 1.0 means no overcommit. The limit keeps
  capacity, which sora computes in 64-bit integers, from overflowing. A
  ratio that a host's inventory entry sets has the same limit.

Related options:

* ``[filter_scheduler] reserved_host_memory_mb``
"""),
    cfg.FloatOpt(
        'disk_allocation_ratio',
        default=1.0,
        min=0.0,
        max=units.MAX_RATIO,
        mutable=True,
        help="""
Virtual disk that may be allocated per GiB of physical disk of a host.

The disk capacity of a host is ``(disk_gb - reserved_host_disk_gb) *
ratio``. A host's inventory entry may set its own ratio, which wins over this
one.

Possible values:

* A float from 0.0 to 1000.0. 1.0 means no overcommit. The limit keeps
  capacity, which sora computes in 64-bit integers, from overflowing. A
  ratio that a host's inventory entry sets has the same limit.

Related options:

* ``[filter_scheduler] reserved_host_disk_gb``
"""),
    cfg.IntOpt(
        'reserved_host_memory_mb',
        default=0,
        min=0,
        max=units.MAX_AMOUNT,
        mutable=True,
        help="""
Memory in MiB kept back on every host for its own services.

It is subtracted from the host's memory once, before the allocation ratio
applies, so no request and no policy ever sees it as free.

Possible values:

* An integer from 0 to 281474976710656 (2**48), in MiB.
"""),
    cfg.FloatOpt(
        'reserved_host_cpus',
        default=0.0,
        min=0.0,
        max=units.MAX_AMOUNT / 1000,
        mutable=True,
        help="""
CPUs kept back on every host for its own services.

Fractions are allowed and are kept exact to a thousandth of a CPU, so a
value with more than three decimal places is rejected.

Possible values:

* A number from 0 to 281474976710.656, in CPUs, with at most three decimal
  places.
"""),
    cfg.IntOpt(
        'reserved_host_disk_gb',
        default=0,
        min=0,
        max=units.MAX_AMOUNT,
        mutable=True,
        help="""
Disk in GiB kept back on every host for its own services.

Possible values:

* An integer from 0 to 281474976710656 (2**48), in GiB.
"""),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register_group(conf, GROUP, OPTS)


def list_opts() -> dict:
    return {GROUP: OPTS}
