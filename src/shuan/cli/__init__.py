"""The `shuan` command: one module per command group, all output through `output`."""

import gc
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
    # Arrow's allocator (mimalloc) hands memory that stayed free for 10 ms back to the kernel; a full scan
    # frees and allocates a batch's worth every few hundred milliseconds, so each batch faulted in fresh
    # zeroed pages (huge pages here): twice the system CPU time of a scan kept at its high-water mark
    # (bench/throughput.py; a one-second delay gained nothing). The scan is a short-lived process whose
    # peak is bounded by the batches in flight: it keeps what it freed (2.2 GB CSV: 608 MiB peak, was
    # 549). Read by mimalloc when pyarrow loads.
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")
    # start-up (imports, settings, recognizers) allocates hundreds of thousands of objects that live as
    # long as the process: the collector's passes over them found nothing and took ~10 % of start-up.
    # The command turns it back on with `started()` once they exist.
    gc.disable()


def started() -> None:
    """Called by a command once its long-lived objects exist: freeze them (later collections need not
    walk them again and again) and turn the collector back on."""
    gc.freeze()
    gc.enable()
