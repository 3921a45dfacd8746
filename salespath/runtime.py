"""Process-wide tuning, applied by the two entry points (`wsgi.py`, `salespath` commands)."""

import gc


def tune_garbage_collector() -> None:
    """Python looks for garbage every 700 new container objects and, every hundred of those
    passes, may walk every object the process holds — most of them Django's own, loaded at
    start-up and never garbage. A report over two thousand salespeople builds some hundred
    thousand short-lived objects, so it paid for several walks of the whole heap, which can
    double the time of the company forecast in a process that has served other pages
    (BENCHMARKS.md). As many Django deployments do, keep what start-up loaded out
    of the collector's way (`gc.freeze`) and look for garbage every 50,000 objects."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
