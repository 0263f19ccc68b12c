"""sora: a host scheduler library for OpenStack-style daemons."""
