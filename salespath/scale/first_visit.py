"""The forecast page's first visit in a browser (issue 20: ≤ 1.5 MB on the wire, the load
event ≤ 500 ms on loopback), for `salespath bench` (key `forecast_first_visit`) and
`benchmarks/forecast_first_load.py`.

Chromium, driven by Playwright, opens the page with an empty cache in a process of its own
(`python -m salespath.scale.first_visit URL SESSION`): Playwright's synchronous API runs an
event loop, inside which Django refuses database calls, and the bench reads the database
after it. The bench measures a server it starts (`salespath serve` on the configured
database, `server`) or one it is given (`bench --url`)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

from salespath.lib.servers import answers

CHROMIUM = "/usr/bin/chromium"  # Debian's package
FORECAST = "/reports/forecast/"
WIRE_TARGET_BYTES = 1_500_000


def unavailable() -> str | None:
    """Why a browser visit cannot be measured on this machine, or None when it can."""
    from django.utils.translation import gettext as _

    if find_spec("playwright") is None:
        return _("Playwright is not installed (pip install -e '.[dev]')")
    if chromium() is None:
        return _("chromium is not installed (apt-get install chromium)")
    return None


def chromium() -> str | None:
    return shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)


def visits(base: str, session: str, runs: int) -> list[dict]:
    """`runs` first visits of the forecast page, each in a fresh browser context with the
    session cookie: the bytes Chromium counted on the wire, and the milliseconds from the
    navigation's start to its first byte, DOMContentLoaded, the load event and the chart
    drawn (plotly.js is fetched after the load event)."""
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(runs):
            context = browser.new_context()
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            wire: list[float] = []
            cdp.on("Network.loadingFinished", lambda e, w=wire: w.append(e["encodedDataLength"]))
            page.goto(base + FORECAST, wait_until="load")
            if page.url.split("?")[0] != base + FORECAST:
                raise RuntimeError(f"the forecast page sent the browser to {page.url}")
            page.locator("[data-plotly][data-drawn] svg.main-svg").first.wait_for(timeout=60_000)
            chart_ms = page.evaluate("performance.now()")
            timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
            navigation = json.loads(timing)
            results.append(
                {
                    "bytes": sum(wire),
                    "ms": navigation["loadEventEnd"],
                    "interactive_ms": navigation["domContentLoadedEventEnd"],
                    # where the time goes: the server's answer, the page's last byte, and
                    # the document parsed (its scripts run at DOMContentLoaded)
                    "first_byte_ms": navigation["responseStart"],
                    "last_byte_ms": navigation["responseEnd"],
                    "parsed_ms": navigation["domInteractive"],
                    "chart_ms": chart_ms,
                }
            )
            context.close()
        browser.close()
    return results


def visit(base: str, session: str) -> dict:
    """One first visit (`visits`), in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "salespath.scale.first_visit", base, session],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the browser's visit failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


@contextmanager
def server(workers: int = 2, env: dict[str, str] | None = None) -> Iterator[str]:
    """`salespath serve` on a free port of this machine, in this process's environment (the
    configured database) or `env`, its static files collected first if they are not
    (brotli level 11: a minute or more); yields its address, and stops it after."""
    env = dict(os.environ if env is None else env)
    command = [sys.executable, "-m", "salespath"]
    var_dir = Path(env.get("SALESPATH_VAR_DIR") or Path.cwd() / "var")
    static = Path(env.get("SALESPATH_STATIC_ROOT") or var_dir / "static")  # as settings.py
    if not (static / "staticfiles.json").exists():
        subprocess.run(
            [*command, "collectstatic", "--noinput"], env=env, check=True, capture_output=True
        )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env.update(SALESPATH_BIND=f"127.0.0.1:{port}", SALESPATH_WORKERS=str(workers))
    env["LOG_LEVEL"] = "WARNING"
    process = subprocess.Popen([*command, "serve"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        if not answers(base, process, seconds=120):
            raise RuntimeError("salespath serve did not start")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    print(json.dumps(visits(sys.argv[1], sys.argv[2], 1)[0]))
