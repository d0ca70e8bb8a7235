"""The cyclic garbage collector paused around bulk work: imports, batches and listings hold a hundred
thousand or more rows (tuples, dicts, lists) that make no reference cycles, and the collector's
passes would walk every one of them again and again, costing more than building them."""

import gc
from contextlib import contextmanager


@contextmanager
def without_cyclic_gc():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
