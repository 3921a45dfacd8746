"""Waiting for a server just started in a process of its own (`salespath bench`'s browser
visit, the tests of `salespath serve`)."""

from __future__ import annotations

import subprocess
import time
import urllib.request


def answers(base: str, process: subprocess.Popen, seconds: float) -> bool:
    """Whether the server just started as `process` answers `GET /healthz` at `base` within
    `seconds`: False as soon as it has exited, or when the time is up."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).close()
            return True
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.2)
