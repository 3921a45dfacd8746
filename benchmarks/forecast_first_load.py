"""The forecast page's first visit: bytes on the wire and time, as a browser with an empty cache
sees it (issue 20: ≤ 1.5 MB transferred, ≤ 500 ms on loopback).

    .venv/bin/python benchmarks/forecast_first_load.py [--var-dir DIR] [--user zhuzhiqiang]
        [--runs 5] [--workers 2] [--no-browser] [--collectstatic]
    .venv/bin/python benchmarks/forecast_first_load.py --url http://127.0.0.1:8000 ...
        [--user scale-exec --password salespath-scale]   # a generated company's executive

Without --url it builds, once, a demo company on SQLite in DIR (default
/tmp/salespath-first-load; your ./var is not touched), collects the static files once (again
with --collectstatic), and starts `salespath serve` on a free port. With --url it measures a
server that is already running (for example `make demo`'s runserver, or an older release).

Two measurements, each `--runs` times, each time with nothing cached:
- **client**: a plain HTTP client logs in, then fetches the forecast page and every script,
  stylesheet and icon it names, one after another, sending `Accept-Encoding: br, gzip` as
  browsers do over HTTPS. Bytes are the response bodies as sent (compressed) plus headers.
- **chromium** (Playwright, /usr/bin/chromium; `salespath/scale/first_visit.py`, which
  `salespath bench` runs as its key `forecast_first_visit`): a fresh browser context with
  the session cookie opens the page; times to DOMContentLoaded, to the load event and to
  the chart drawn, and the bytes Chromium counted on the wire (it offers br on loopback
  too); and, to see where the time goes, to the page's first byte (the server), its last
  byte, and the document parsed (domInteractive).

The CPU reference (a million Python additions, as `salespath bench` prints it) says how fast
the machine was at the time.
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from salespath.scale import first_visit

ROOT = Path(__file__).resolve().parents[1]
SALESPATH = [sys.executable, "-m", "salespath"]
PASSWORD = "salespath"  # the demo's (salespath/demo/people.py)
FORECAST = "/reports/forecast/"
# Scripts, stylesheets, the icon, and the chart's plotly.js (data-plotly-src, fetched by app.js
# after the load event); /assets/ is where releases before 18 §1 served plotly.js from a view.
ASSET = re.compile(r'(?:src|href|data-plotly-src)="(/(?:static|assets)/[^"]+)"')


def cpu_reference_ms() -> float:
    """The median of five runs of `salespath bench`'s CPU reference."""
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for number in range(1_000_000):
            total += number
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


# --- a server of our own -------------------------------------------------------------------


def demo_env(var_dir: Path) -> dict[str, str]:
    """The environment of a server on the demo company in `var_dir` (SQLite), built once."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["SALESPATH_VAR_DIR"] = str(var_dir)
    if not (var_dir / "salespath.sqlite3").exists():
        print(f"building the demo company in {var_dir} …", file=sys.stderr)
        subprocess.run([*SALESPATH, "migrate", "--noinput"], env=env, cwd=ROOT, check=True)
        subprocess.run([*SALESPATH, "demo", "--no-serve"], env=env, cwd=ROOT, check=True)
    return env


# --- a plain client ------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def logged_in_opener(
    base: str, user: str, password: str = PASSWORD
) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": user, "password": password}
    ).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": base})
    opener.open(request).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"could not log in as {user}")
    return opener, session


def _fetch(opener, url: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "br, gzip"})
    with opener.open(request) as response:
        body = response.read()
        headers = str(response.headers)
        return len(body) + len(headers), response.headers.get("Content-Encoding", ""), body


def client_first_visit(base: str, user: str, password: str = PASSWORD) -> dict:
    opener, _ = logged_in_opener(base, user, password)
    started = time.perf_counter()
    size, encoding, body = _fetch(opener, base + FORECAST)
    files = {FORECAST: size}
    encodings = {FORECAST: encoding}
    if encoding == "gzip":  # the pages are gzipped for clients that take it (GZipMiddleware)
        body = gzip.decompress(body)
    for path in dict.fromkeys(ASSET.findall(body.decode())):
        files[path], encodings[path], _ = _fetch(opener, base + path)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return {"bytes": sum(files.values()), "ms": elapsed_ms, "files": files, "enc": encodings}


# --- chromium: salespath/scale/first_visit.py, as `salespath bench` measures it -------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--var-dir", default="/tmp/salespath-first-load")
    parser.add_argument("--user", default="zhuzhiqiang", help="a demo login (the executive)")
    parser.add_argument(
        "--password",
        default=PASSWORD,
        help="the login's password (a generated company's: salespath-scale, user scale-exec)",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--collectstatic", action="store_true", help="collect again (after changing the code)"
    )
    args = parser.parse_args()

    with ExitStack() as held:
        if args.url:
            base = args.url.rstrip("/")
        else:
            env = demo_env(Path(args.var_dir).resolve())
            if args.collectstatic:
                print("collecting static files (a minute or more) …", file=sys.stderr)
                subprocess.run(
                    [*SALESPATH, "collectstatic", "--noinput"],
                    env=env,
                    cwd=ROOT,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            base = held.enter_context(first_visit.server(args.workers, env=env))
        measure(base, args)


def measure(base: str, args: argparse.Namespace) -> None:
    print(f"CPU reference: {cpu_reference_ms():.1f} ms (a million Python additions)")
    # warm the server's caches, not the client's
    client_first_visit(base, args.user, args.password)
    visits = [client_first_visit(base, args.user, args.password) for _ in range(args.runs)]
    last = visits[-1]
    for path, size in last["files"].items():
        encoding = last["enc"].get(path) or "identity"
        print(f"  {size:>10,} B  {encoding:<8} {path}")
    print(
        f"client (Accept-Encoding: br, gzip): {last['bytes'] / 1e6:.2f} MB, "
        f"median {statistics.median(v['ms'] for v in visits):.0f} ms over {args.runs} runs"
    )
    if not args.no_browser and first_visit.chromium():
        _, session = logged_in_opener(base, args.user, args.password)
        loads = first_visit.visits(base, session, args.runs)
        print(
            f"chromium, empty cache: {statistics.median(v['bytes'] for v in loads) / 1e6:.2f}"
            f" MB on the wire; medians over {args.runs} runs: DOMContentLoaded "
            f"{statistics.median(v['interactive_ms'] for v in loads):.0f} ms, load event "
            f"{statistics.median(v['ms'] for v in loads):.0f} ms, chart drawn "
            f"{statistics.median(v['chart_ms'] for v in loads):.0f} ms"
        )
        for key in (
            "first_byte_ms",
            "last_byte_ms",
            "parsed_ms",
            "interactive_ms",
            "ms",
            "chart_ms",
        ):
            print(f"  {key}: {', '.join(f'{load[key]:.0f}' for load in loads)}")


if __name__ == "__main__":
    main()
