"""The oslo.config mutate hook that reloads a SchedulerManager.

oslo.service calls ``conf.mutate_config_files()`` on SIGHUP when it was
launched with ``restart_method='mutate'`` (its default, ``'reload'``, only
reads the files again), and oslo.config then calls every registered mutate
hook. The manager registers
the hook made here, so that a daemon gets the new policy, filters and
inventory without code of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
import weakref

from oslo_config import cfg
from oslo_log import log as logging

from sora import exception

if TYPE_CHECKING:
    from sora.scheduler.manager import SchedulerManager

LOG = logging.getLogger(__name__)


def mutate_hook(manager: SchedulerManager
                ) -> Callable[[cfg.ConfigOpts, dict], None]:
    """Return an oslo.config mutate hook that reloads ``manager``.

    The hook keeps only a weak reference to the manager, because ``conf``
    keeps its hooks for its whole life and may outlive the manager. The
    hook logs every Exception instead of raising it, because oslo.config
    would pass the error on to the daemon's signal handler. So after an
    invalid new configuration, the old one keeps serving.
    """
    ref = weakref.ref(manager)

    def hook(conf: cfg.ConfigOpts, fresh: dict) -> None:
        target = ref()
        if target is None:
            return
        try:
            target.reload()
            return
        except Exception as error:  # nothing may stop the daemon here
            rejected = error

        # oslo.log appends the exception being handled to an error logged
        # inside an except block, which would repeat its text, so the
        # error is logged after the block.
        if isinstance(rejected, exception.SoraException):
            LOG.error('Rejected the new configuration; the scheduler keeps '
                      'policy %s and its hosts: %s', target.driver_name,
                      rejected)
        else:
            LOG.error('Rejected the new configuration: %s: %s; the '
                      'scheduler keeps policy %s and its hosts',
                      type(rejected).__name__, rejected, target.driver_name)
            LOG.debug('Traceback of the rejected configuration',
                      exc_info=rejected)

    return hook
