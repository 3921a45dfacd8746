"""Load test (issue 18 §3): a mixed workload against real server processes, from a plain
Python client with threads.

    .venv/bin/python benchmarks/load.py --workers 1 2 4 --clients 8 --seconds 60 [--json F]

Against the database of DATABASE_URL (SQLite when unset), which should hold a generated
company (`salespath generate --scale M|L`: every person's password is the generator's). For
each worker count it starts `gunicorn salespath.wsgi` (sync workers, one thread each) on a free
port, signs the cast in (not measured), then runs CLIENTS threads for SECONDS, each sending
one request after another (no think time, so the run finds the throughput at that
concurrency):

- salespeople (75 %): the board, the opportunity list, a deal's page, logging an activity on
  one of their deals, moving one of their deals back a stage and advancing it again;
- managers — supervisors and branch GMs (20 %): the forecast and the evaluation sheet;
- finance (5 %): the payments inbox, confirming a payment.

It reports, per page: requests, p50/p95/p99 latency; and in all: requests per second, errors
(5xx, refused connections, timeouts: must be 0), refusals (a gate not met, 409/422: expected
answers, counted apart), and the server's CPU time per request (all its processes' user +
system time from /proc, divided by the requests).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIXES = {
    # what a sales organisation does in a working day: mostly reading, a fifth writing
    "mixed": {
        "board": 15,
        "list": 15,
        "deal": 25,
        "log activity": 12,
        "move deal": 8,
        "forecast": 10,
        "evaluation": 10,
        "payments inbox": 3,
        "confirm payment": 2,
    },
    # only the writes, to find how many a second the database takes
    "writes": {"log activity": 60, "move deal": 30, "confirm payment": 10},
}
WRITES = ("log activity", "move deal", "confirm payment")


@dataclass
class Cast:
    salespeople: list[tuple[str, list[tuple[int, str, str]]]]  # username, [(deal, stage, prev)]
    managers: list[str]
    finance: list[str]
    payments: list[int]
    password: str


def find_cast(n_salespeople: int) -> Cast:
    """People with open deals past S2 (so a deal can move back and forward), their managers,
    finance and the unconfirmed payments, read from the database before the run."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salespath.settings")
    import django

    django.setup()
    from django.db.models import Count

    from salespath.org.models import Role, User
    from salespath.pipeline.models import Opportunity, Payment, Stage, Status
    from salespath.scale.organisation import PASSWORD

    order = {s.code: s.order for s in Stage.objects.all()}
    previous = {
        s.code: p.code
        for p, s in zip(
            list(Stage.objects.order_by("order"))[:-1],
            list(Stage.objects.order_by("order"))[1:],
            strict=True,
        )
    }
    busiest = (
        Opportunity.objects.filter(
            status=Status.OPEN, stage__order__gt=order["S2"], stage__order__lt=order["S7"]
        )
        .values("owner__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner__username")[:n_salespeople]
    )
    salespeople = []
    for row in busiest:
        deals = list(
            Opportunity.objects.filter(
                owner__username=row["owner__username"],
                status=Status.OPEN,
                stage__order__gt=order["S2"],
                stage__order__lt=order["S7"],
            )
            .order_by("pk")
            .values_list("pk", "stage_id")[:5]
        )
        salespeople.append((row["owner__username"], [(pk, s, previous[s]) for pk, s in deals]))
    teams = User.objects.filter(username__in=[s for s, _ in salespeople]).values("team")
    managers = list(
        User.objects.filter(team__in=teams, roles__role=Role.SUPERVISOR).values_list(
            "username", flat=True
        )[:6]
    ) + list(User.objects.filter(roles__role=Role.BRANCH_GM).values_list("username", flat=True)[:2])
    finance = list(
        User.objects.filter(roles__role=Role.FINANCE).values_list("username", flat=True)[:2]
    )
    payments = list(
        Payment.objects.filter(confirmed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    return Cast(salespeople, managers, finance, payments, PASSWORD)


def cpu_reference_ms() -> float:
    """`salespath bench`'s CPU reference (a million Python additions; 18 ms on a quiet day),
    taken before and after each run so a busy machine reads as busy, not as slow code."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_tree_cpu(root_pid: int) -> float:
    """User + system seconds of a process and its children (the gunicorn workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == root_pid or ppid == root_pid:
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "salespath.wsgi",
        "--workers",
        str(workers),
        "--threads",
        "1",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            requests.get(base + "/login/", timeout=60)
            return server, base
        except requests.RequestException:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def sign_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        base + "/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/login/"},
        timeout=60,
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"could not sign in as {username}: {answer.status_code}")
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = base + "/"
    return session


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refusals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    done: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # answered < 400
    lock: threading.Lock = field(default_factory=threading.Lock)


def sign_in_cast(base: str, cast: Cast) -> dict[str, requests.Session]:
    names = [s for s, _ in cast.salespeople] + cast.managers + cast.finance
    return {name: sign_in(base, name, cast.password) for name in names}


def run_load(
    base: str, cast: Cast, sessions: dict, clients: int, seconds: float, seed: int, mix: dict
) -> tuple[Results, float]:
    deals = dict(cast.salespeople)  # username: [(pk, stage, previous stage)]
    payments = cast.payments  # confirmed ones leave the list for the next run too
    moved_back: set[int] = set()
    results = Results()
    state_lock = threading.Lock()
    today = date.today()
    stop = time.monotonic() + seconds
    hx = {"HX-Request": "true"}

    def one(rng: random.Random) -> None:
        page = rng.choices(list(mix), weights=list(mix.values()))[0]
        seller = rng.choice(cast.salespeople)[0]
        client = sessions[seller]
        if page == "board":
            call = partial(client.get, base + "/pipeline/board/", timeout=120)
        elif page == "list":
            call = partial(client.get, base + "/pipeline/", timeout=120)
        elif page in ("deal", "log activity", "move deal"):
            if not deals[seller]:
                return
            pk, stage, previous = rng.choice(deals[seller])
            if page == "deal":
                call = partial(client.get, f"{base}/pipeline/{pk}/", timeout=120)
            elif page == "log activity":
                # today's work, as a salesperson logs it: a day in the past could fall before
                # the deal was created, or on a day the generated history already fills
                day = today.isoformat()
                data = {
                    "kind": "call",
                    "occurred_on": day,
                    "hours": "0.1",
                    "purpose": "load test",
                    "outcome": "",
                }
                call = partial(
                    client.post,
                    f"{base}/pipeline/{pk}/activity/",
                    data=data,
                    headers=hx,
                    timeout=120,
                )
            else:
                # back to the previous stage with a reason, or forward again through the gate
                with state_lock:
                    back = pk not in moved_back
                data = (
                    {"to_stage": previous, "reason": "load test"} if back else {"to_stage": stage}
                )
                call = partial(
                    client.post,
                    f"{base}/pipeline/{pk}/move/",
                    data=data,
                    headers=hx,
                    timeout=120,
                )
        elif page in ("forecast", "evaluation"):
            client = sessions[rng.choice(cast.managers)]
            path = "/reports/forecast/" if page == "forecast" else "/reports/evaluation/"
            call = partial(client.get, base + path, timeout=120)
        else:
            client = sessions[rng.choice(cast.finance)]
            if page == "payments inbox":
                call = partial(client.get, base + "/inbox/payments/", timeout=120)
            else:
                with state_lock:
                    if not payments:
                        return
                    payment = payments.pop()
                call = partial(
                    client.post,
                    f"{base}/inbox/payments/{payment}/confirm/",
                    headers=hx,
                    timeout=120,
                )
        started = time.perf_counter()
        try:
            response = call()
            status = response.status_code
        except requests.RequestException:
            status = 599
        elapsed = time.perf_counter() - started
        with results.lock:
            results.latencies[page].append(elapsed)
            if status >= 500:
                results.errors[page] += 1
            elif status in (409, 422):
                results.refusals[page] += 1
        if status < 400:
            with results.lock:
                results.done[page] += 1
        if page == "move deal" and status < 300:
            with state_lock:
                (moved_back.add if back else moved_back.discard)(pk)

    def client_loop(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        while time.monotonic() < stop:
            one(rng)

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, time.monotonic() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(results: Results, wall: float, cpu: float, workers: int, clients: int) -> dict:
    total = sum(len(v) for v in results.latencies.values())
    return {
        "workers": workers,
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": total,
        "rps": round(total / wall, 1),
        "writes_per_second": round(sum(results.done[p] for p in WRITES) / wall, 1),
        "errors": sum(results.errors.values()),
        "refusals": dict(results.refusals),
        "cpu_ms_per_request": round(1000 * cpu / total, 1) if total else None,
        "pages": {
            page: {
                "n": len(v),
                "p50_ms": round(1000 * statistics.median(v)),
                "p95_ms": round(1000 * percentile(v, 95)),
                "p99_ms": round(1000 * percentile(v, 99)),
            }
            for page, v in sorted(results.latencies.items())
        },
    }


def table(run: dict) -> str:
    lines = [
        f"{run['engine']}, {run['workers']} worker(s), {run['clients']} clients, "
        f"{run['seconds']} s: {run['requests']} requests, {run['rps']} req/s "
        f"({run['writes_per_second']} writes/s done), CPU reference {run['cpu_reference_ms']} ms, "
        f"errors {run['errors']}, CPU {run['cpu_ms_per_request']} ms/request, "
        f"refusals {run['refusals'] or 0}, load average {run['load_average']}",
        "",
        "| page | requests | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for page, p in run["pages"].items():
        lines.append(f"| {page} | {p['n']} | {p['p50_ms']} | {p['p95_ms']} | {p['p99_ms']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1])
    parser.add_argument("--clients", type=int, nargs="+", default=[8])
    parser.add_argument("--mix", choices=sorted(MIXES), default="mixed")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--salespeople", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="append each run's figures to this file (JSON lines)")
    args = parser.parse_args()
    cast = find_cast(args.salespeople)
    from django.db import connection

    engine = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    connection.close()
    for workers in args.workers:
        server, base = start_server(workers)
        try:
            sessions = sign_in_cast(base, cast)  # not measured: sign-in hashes on purpose
            for clients in args.clients:
                reference = cpu_reference_ms()
                before = process_tree_cpu(server.pid)
                mix = MIXES[args.mix]
                results, wall = run_load(
                    base, cast, sessions, clients, args.seconds, args.seed, mix
                )
                cpu = process_tree_cpu(server.pid) - before
                run = {
                    "engine": engine,
                    "mix": args.mix,
                    "cpu_reference_ms": round((reference + cpu_reference_ms()) / 2, 1),
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                    **summary(results, wall, cpu, workers, clients),
                }
                print(table(run), flush=True)
                print(flush=True)
                if args.json:
                    with open(args.json, "a") as out:
                        out.write(json.dumps(run) + "\n")
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
