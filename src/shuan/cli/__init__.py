"""The `shuan` command: one module per command group, all output through `output`."""
