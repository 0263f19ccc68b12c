"""The option list for oslo-config-generator (``oslo.config.opts``)."""

from sora.conf import MODULES


def list_opts() -> list:
    """Return ``(group, options)`` pairs for every sora option group."""
    pairs = []
    for module in MODULES:
        for group, opts in module.list_opts().items():
            pairs.append((group, opts))
    return pairs
