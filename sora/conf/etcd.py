"""Options of the ``[etcd]`` group: how the etcd state store connects."""

from oslo_config import cfg

from sora.conf import groups

GROUP = cfg.OptGroup(
    'etcd',
    title='etcd state store options',
    help='Options of the etcd state store, which shares hosts, usage and '
         'claims between scheduler processes. They are read only when '
         '``[scheduler] state_store`` is ``etcd``.')

OPTS = [
    cfg.ListOpt(
        'endpoints',
        default=['127.0.0.1:2379'],
        help="""
The client addresses of the etcd cluster, as ``host:port`` pairs.

sora talks to etcd's v3 JSON gateway on the client port, which etcd 3.4 and
later serve by default. Requests go to the first endpoint that responds. When
one stops responding, the next one in the list is tried, so list every
member of the cluster.

Possible values:

* A comma-separated list of ``host:port`` pairs, for example
  ``etcd-1.example.org:2379,etcd-2.example.org:2379``. An IPv6 address is
  written in brackets: ``[2001:db8::5]:2379``.

Related options:

* ``[etcd] ca_file``: makes sora connect with TLS.
"""),
    cfg.StrOpt(
        'key_prefix',
        default='/sora/',
        help="""
The prefix of every key that sora writes in etcd.

Schedulers that share hosts and claims must use the same prefix. Two sets of
schedulers that must not see each other's hosts use different prefixes on one
etcd cluster. A ``/`` is added at the end when it is missing.

Possible values:

* A key prefix other than ``/``, for example ``/sora/`` or
  ``/region-one/sora/``.
"""),
    cfg.FloatOpt(
        'connect_timeout',
        default=2.0,
        min=0.001,
        help="""
Seconds to wait for a TCP connection to an etcd endpoint.

When it runs out, the next endpoint is tried. When every endpoint has failed,
the operation fails with an error that names the endpoints.

Possible values:

* A number of seconds greater than 0.

Related options:

* ``[etcd] request_timeout``
"""),
    cfg.FloatOpt(
        'request_timeout',
        default=5.0,
        min=0.001,
        help="""
Seconds to wait for etcd to respond to one request.

A claim whose response times out may or may not have been recorded. sora
remembers its id and releases it once etcd responds again, so that the caller,
who was told that the claim failed, never leaves a claim behind.

Possible values:

* A number of seconds greater than 0.

Related options:

* ``[etcd] connect_timeout``
"""),
    cfg.StrOpt(
        'ca_file',
        help="""
The CA certificate file that the etcd server certificates must chain to.

Setting it, or ``[etcd] cert_file``, makes sora connect to every endpoint
with HTTPS instead of HTTP.

Possible values:

* Unset (default), for plain HTTP, or the path of a PEM file.

Related options:

* ``[etcd] cert_file``
* ``[etcd] key_file``
"""),
    cfg.StrOpt(
        'cert_file',
        help="""
The client certificate that sora presents to etcd.

Needed when etcd runs with ``--client-cert-auth``. It must be given together
with ``[etcd] key_file``.

Possible values:

* Unset (default), or the path of a PEM file.

Related options:

* ``[etcd] key_file``
* ``[etcd] ca_file``
"""),
    cfg.StrOpt(
        'key_file',
        help="""
The private key of the client certificate in ``[etcd] cert_file``.

Possible values:

* Unset (default), or the path of a PEM file.

Related options:

* ``[etcd] cert_file``
"""),
    cfg.StrOpt(
        'username',
        help="""
The etcd user that sora authenticates as.

Needed only when etcd authentication is enabled. The user needs read and
write access to every key under ``[etcd] key_prefix``.

Possible values:

* Unset (default), for no authentication, or an etcd user name.

Related options:

* ``[etcd] password``
"""),
    cfg.StrOpt(
        'password',
        secret=True,
        help="""
The password of ``[etcd] username``.

It is never written to the logs.

Possible values:

* Unset (default), or the user's password.

Related options:

* ``[etcd] username``
"""),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    groups.register_group(conf, GROUP, OPTS)


def list_opts() -> dict:
    return {GROUP: OPTS}
