"""Options of the ``[scheduler]`` group: which policy ranks hosts."""

from oslo_config import cfg

from sora.conf import groups

GROUP = cfg.OptGroup(
    'scheduler',
    title='Scheduler options',
    help='Options that choose the scheduling policy and how many hosts each '
         'decision returns.')

OPTS = [
    cfg.StrOpt(
        'driver',
        default='memory',
        mutable=True,
        help="""
The scheduling policy that ranks the hosts that pass the filters.

The name is looked up in the ``sora.scheduler`` entry-point namespace, so any
installed package can add a policy. sora itself provides:

* ``memory``: the host with the most free memory wins.
* ``random``: a host is chosen uniformly at random; see ``[scheduler] seed``.
* ``binpack``: the tightest fit wins, so hosts fill one after another.
* ``spread``: the least allocated host wins.
* ``weighted``: the weighers of ``[filter_scheduler] weighers`` with their
  multipliers, as in nova.
* ``balanced``: the host whose CPU, memory and GPU use stay most even wins.

Run ``sora-scheduler drivers`` to list the policies installed on this machine.

Possible values:

* The name of an installed policy.

Related options:

* ``[filter_scheduler] enabled_filters``: which hosts the policy sees.
"""),
    cfg.IntOpt(
        'max_attempts',
        default=3,
        min=1,
        help="""
The number of hosts each selection returns: the chosen host plus up to
``max_attempts - 1`` alternates.

A caller whose build fails on the chosen host can claim an alternate without
scheduling again.

Possible values:

* An integer of 1 or more. With 1, no alternates are returned.
"""),
    cfg.IntOpt(
        'seed',
        min=0,
        help="""
Seed for every random choice the scheduler makes.

The ``random`` policy, ``[filter_scheduler] host_subset_size`` and
``[filter_scheduler] shuffle_best_same_weighed_hosts`` draw from a generator
seeded with this value, so the same hosts and requests give the same choices.
When unset, the generator is seeded from the operating system and choices
differ between runs.

Possible values:

* Unset (default), or an integer of 0 or more.
"""),
    cfg.StrOpt(
        'state_store',
        default='memory',
        help="""
Where the scheduler keeps hosts, their usage and the claims it makes.

The name is looked up in the ``sora.state`` entry-point namespace. sora
itself provides:

* ``memory``: in this process only. Nothing is shared and nothing survives a
  restart. No server is needed.
* ``etcd``: in an etcd v3 cluster, shared by every scheduler process that
  uses the same cluster and ``[etcd] key_prefix``. It needs the ``etcd``
  extra (``pip install 'sora[etcd]'``). Load the hosts with
  ``sora-scheduler load-inventory``.

Possible values:

* The name of an installed state store.

Related options:

* ``[etcd] endpoints``: the cluster that the ``etcd`` store uses.
* ``[scheduler] claim_retries``
"""),
    cfg.IntOpt(
        'claim_retries',
        default=5,
        min=0,
        help="""
How many times a claim is tried again after another scheduler changed the
chosen host first.

With a shared state store, a claim succeeds only if the host has not changed
since this scheduler last read it. When it has, the store reads the host's
new usage in the same transaction and, if the instance still fits and the
request has no server group, sends the claim again at once, up to this many
times. Otherwise the scheduler makes the decision again, also up to this
many times. When the retries run out, the request fails with
``NoValidHost`` and the reason ``contention``. The in-process store never
has such conflicts.

Possible values:

* An integer of 0 or more. 0 gives up at the first conflict.

Related options:

* ``[scheduler] state_store``
"""),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register_group(conf, GROUP, OPTS)


def list_opts() -> dict:
    return {GROUP: OPTS}
