"""The option list for oslo-config-generator (``oslo.config.opts``)."""

from __future__ import annotations

from oslo_config import cfg

from sora_example_policy import filters
from sora_example_policy import policy


def list_opts() -> list[tuple[str, list[cfg.Opt]]]:
    """Return ``(group, options)`` pairs for every option of this package."""
    return policy.PreferredLabelPolicy.list_opts() + \
        filters.MaxInstancesFilter.list_opts()
