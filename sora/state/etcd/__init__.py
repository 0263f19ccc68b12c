"""The etcd state store, which shares hosts and claims between schedulers."""
