"""Screenshots of the main pages from the demo company, into docs/screenshots/ (the README
shows them).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--keep]

Builds the demo (`salespath migrate` + `salespath demo --no-serve`) in a fresh SQLite database
under a temporary SALESPATH_VAR_DIR, serves it with `salespath runserver --insecure` on a free
port, logs in through the login form as the demo's people (Playwright driving Debian's
chromium) and saves one PNG per page. Nothing outside the temporary directory and the output
folder is touched; DATABASE_URL is ignored so a developer's PostgreSQL is left alone.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
SALESPATH = [sys.executable, "-m", "salespath"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], env: dict) -> None:
    print("$", " ".join(args[2:] if args[:2] == SALESPATH[:2] else args), flush=True)
    subprocess.run(args, env=env, cwd=ROOT, check=True)


def demo_people(env: dict) -> dict:
    """Usernames of the demo's people by role, and an opportunity worth showing, read from
    the demo database in a child process (so this script stays free of Django state)."""
    code = """
import json
from django.db.models import Count
from salespath.demo.people import DEMO_PASSWORD, USER_PREFIX
from salespath.org.models import Role, User
from salespath.pipeline.models import Opportunity
people = User.objects.filter(external_id__startswith=USER_PREFIX, is_active=True)
def first(role):
    found = people.filter(roles__role=role).order_by("username").first()
    return found.username if found else None
supervisor = people.filter(roles__role=Role.SUPERVISOR).order_by("username").first()
deal = (
    Opportunity.objects.filter(status="open", stage__order__gte=5, owner__team=supervisor.team)
    .annotate(n=Count("quotes")).order_by("-n", "-amount").first()
)
salesperson = deal.owner.username if deal else first(Role.SALESPERSON)
print(json.dumps({
    "supervisor": supervisor.username, "salesperson": salesperson,
    "admin": first(Role.ADMIN), "finance": first(Role.FINANCE),
    "executive": first(Role.EXECUTIVE), "deal": deal.pk if deal else None,
    "customer": deal.customer_id if deal else None, "password": DEMO_PASSWORD,
}))
"""
    out = subprocess.run(
        [*SALESPATH, "shell", "-c", code], env=env, cwd=ROOT, check=True, capture_output=True
    )
    import json

    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def digest_email(env: dict, username: str, path: Path) -> None:
    """The HTML part of the Monday digest e-mail `username` gets, written to `path`: the
    digest is made by the job as on the Monday before the demo's day, in the demo database."""
    code = f"""
from datetime import datetime, time, timedelta
from pathlib import Path
from django.utils import timezone
from salespath.notifications.channels import email_parts
from salespath.notifications.digest import weekly_digest
from salespath.notifications.models import Notification
from salespath.notifications.services import language_of
from salespath.org.models import User
today = timezone.localdate()
monday = today - timedelta(days=today.weekday())
weekly_digest(now=timezone.make_aware(datetime.combine(monday, time(8))))
person = User.objects.get(username={username!r})  # the supervisor, if their team has one
digests = Notification.objects.filter(kind="digest_team").order_by("recipient__username")
digest = digests.filter(recipient=person).first() or digests.first()
language = language_of(digest.recipient)
Path({str(path)!r}).write_text(email_parts(digest, language)[2], encoding="utf-8")
"""
    subprocess.run([*SALESPATH, "shell", "-c", code], env=env, cwd=ROOT, check=True)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urlopen(url, timeout=2):  # noqa: S310 (our own local server)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the demo server did not answer at {url}")


def shoot(base: str, people: dict, password: str, out: Path, digest: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    saved: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)

        def session(username: str, width: int = 1366, height: int = 860):
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="zh-CN"
            )
            context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{base}/login/")
            page.locator("input[name=username]").fill(username)
            page.locator("input[name=password]").fill(password)
            page.locator("form.form-stack button[type=submit]").click()
            page.wait_for_url(f"{base}/")
            return context, page

        def save(page, name: str, path: str | None = None, *, full: bool = True) -> None:
            if path is not None:
                page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}.png"), full_page=full)
            saved.append(name)
            print("saved", name, flush=True)

        context, page = session(people["supervisor"])
        save(page, "home-supervisor")
        save(page, "board", "/pipeline/board/", full=False)
        save(page, "forecast", "/reports/forecast/")
        save(page, "evaluation-sheet", "/reports/evaluation/")
        save(page, "funnel", "/reports/funnel/")
        save(page, "attainment", "/reports/attainment/")
        save(page, "submissions", "/reports/forecast/submissions/")
        save(page, "roadmap-grid", "/roadmap/team/")
        save(page, "notifications", "/notifications/")
        if people.get("customer"):
            save(page, "customer", f"/customers/{people['customer']}/")
        context.close()

        context, page = session(people["salesperson"])
        if people.get("deal"):
            save(page, "opportunity", f"/pipeline/{people['deal']}/")
        save(page, "roadmap-person", f"/roadmap/{people['salesperson']}/")
        context.close()

        context, page = session(people["salesperson"], width=390, height=844)
        # The list, not the filter form above it: on a phone each deal is a card.
        page.goto(base + "/pipeline/")
        page.evaluate(
            "window.scrollTo(0, document.querySelector('[data-testid=pipeline-table]')"
            ".getBoundingClientRect().top + window.scrollY - 60)"
        )
        save(page, "pipeline-phone", full=False)
        context.close()

        # The digest e-mail's HTML part as a mail client shows it: a page of its own.
        context = browser.new_context(viewport={"width": 760, "height": 860}, locale="zh-CN")
        page = context.new_page()
        page.goto(digest.as_uri())
        save(page, "digest-email")
        context.close()

        if people.get("admin"):
            context, page = session(people["admin"])
            save(page, "import", "/import/")
            context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary demo directory")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    var_dir = Path(tempfile.mkdtemp(prefix="salespath-screens-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SALESPATH_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "salespath.settings"}
    server = None
    try:
        run([*SALESPATH, "migrate", "--verbosity", "0"], env)
        run([*SALESPATH, "demo", "--no-serve"], env)
        people = demo_people(env)
        digest = var_dir / "digest-email.html"
        digest_email(env, people["supervisor"], digest)
        port = free_port()
        server = subprocess.Popen(
            [*SALESPATH, "runserver", f"127.0.0.1:{port}", "--insecure", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/login/")
        saved = shoot(base, people, people["password"], out, digest)
        print(f"{len(saved)} screenshots in {out}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if args.keep:
            print("demo kept in", var_dir)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
