"""Plugin sources built from ready classes, for tests that inject plugins."""

from stevedore import extension

from sora import plugins


def fake_source(namespace: str, classes: dict) -> plugins.PluginSource:
    """Return a PluginSource that offers ``classes`` by name, and only them.

    The manager is built with stevedore's make_test_instance, so nothing
    installed is read.
    """
    extensions = [extension.Extension(name, None, plugin, None)
                  for name, plugin in classes.items()]
    manager = extension.ExtensionManager.make_test_instance(
        extensions, namespace=namespace)
    return plugins.PluginSource(namespace, test_manager=manager)


def policy_sources(classes: dict) -> dict:
    """Return manager ``sources`` whose only policies are ``classes``."""
    return {plugins.SCHEDULER_NAMESPACE:
            fake_source(plugins.SCHEDULER_NAMESPACE, classes)}
