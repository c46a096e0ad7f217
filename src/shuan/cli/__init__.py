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
    # Arrow's allocator (mimalloc) hands memory that stayed free for 10 ms back to the kernel and asks
    # for transparent huge pages. A full scan frees and allocates a batch's worth every few hundred
    # milliseconds, so each batch faulted in fresh zeroed huge pages, and where the kernel compacts
    # memory for huge pages on such a fault ("defrag" madvise, as here) it did so at every batch: twice
    # the system CPU time, and the most variable part of a scan's time (bench/throughput.py: sys 1.2 s
    # -> 0.6 s, medians of 11; each setting alone gains little, a one-second purge delay nothing). A
    # scan is a short-lived process whose peak is bounded by the batches in flight: it keeps what it
    # freed, in ordinary pages. Read by mimalloc when pyarrow loads; a user's own setting wins.
    os.environ.setdefault("MIMALLOC_PURGE_DELAY", "-1")
    os.environ.setdefault("MIMALLOC_ALLOW_THP", "0")
    # start-up (imports, settings, recognizers) allocates hundreds of thousands of objects that live as
    # long as the process: the collector's passes over them found nothing and took ~10 % of start-up.
    # The command turns it back on with `started()` once they exist.
    gc.disable()


def started() -> None:
    """Called by a command once its long-lived objects exist: freeze them (later collections need not
    walk them again and again) and turn the collector back on."""
    gc.freeze()
    gc.enable()
