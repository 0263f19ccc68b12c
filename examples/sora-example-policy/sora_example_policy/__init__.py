"""An example sora plugin package: the preferred-label policy and the
max-instances filter."""
