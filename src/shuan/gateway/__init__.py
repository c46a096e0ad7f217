"""The data-service gateway (issue 5 item 5): published services with typed, bounded, whitelisted
parameters, answered through the access decision engine with the consumer's row filter and masking,
rate-limited per consumer, every call in the audit chain, and a periodic audit report."""
