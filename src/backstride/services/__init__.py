"""Services: the use cases; the only place that commits a transaction."""
