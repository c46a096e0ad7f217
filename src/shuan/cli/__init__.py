"""The `shuan` command: one module per command group, all output through `output`."""

import os
import sys

#: commands whose work is spread over cores by the discovery engine itself (one thread per column and
#: per table): Polars' thread pool on top of those threads, and OpenBLAS's (NumPy starts it; nothing
#: here multiplies matrices), only compete for the same cores — their idle workers spin. Each gets one
#: thread unless the user chose otherwise. It has to be decided here, before anything imports them.
SELF_PARALLEL = frozenset({"scan", "detect"})

if len(sys.argv) > 1 and sys.argv[1] in SELF_PARALLEL:
    for variable in ("POLARS_MAX_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
