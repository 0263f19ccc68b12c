"""Load the state store that ``[scheduler] state_store`` names.

State stores are plugins in the ``sora.state`` entry-point namespace, so a
site can add its own. Each one is built by its ``from_conf`` class method.
"""

from __future__ import annotations

from oslo_config import cfg
from oslo_log import log as logging

from sora import conf as sora_conf
from sora import plugins
from sora.state import base

LOG = logging.getLogger(__name__)

STATE_NAMESPACE = 'sora.state'


def load_store(conf: cfg.ConfigOpts,
               source: plugins.PluginSource | None = None
               ) -> base.StateStore:
    """Build the configured state store.

    Raise PluginNotFound for an unknown name, PluginLoadFailed when its
    module fails to import, ConfigError for a bad option of the store, and
    StoreUnavailable when its server does not respond.
    """
    sora_conf.register_opts(conf)
    source = source or plugins.PluginSource(STATE_NAMESPACE)
    name = conf.scheduler.state_store
    info = source.load(name, 'scheduler', 'state_store',
                       sora_conf.option_files(conf, 'scheduler',
                                              'state_store'))
    plugins.check_class(source.namespace, info, base.StateStore)
    store = plugins.construct(source.namespace, info, info.plugin.from_conf,
                              conf)
    LOG.info('Using state store %s (%s): %s', name, info.entry_point,
             store.describe())
    return store
