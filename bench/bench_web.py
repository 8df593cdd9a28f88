"""Benchmark ``web_p95_10k`` (issue 17): a fund of about 10,000 members with five years of
monthly payments (built once by ``network.dataset`` through the imports; kept in
``var/web-10k.sqlite3`` or ``--database URL``), served by ``make serve`` (gunicorn, 3
workers) on ``--port`` (8171). 50 simulated people, each opening a page of the mix and then
reading it for 2–5 s, for 60 s; value: p95 in ms over the mix (per page printed). Baseline,
same run: the same mix with 1 person. ``errors``: answers that were not 200.

Mix: dashboard, member list, search, member detail, statement, trial balance, cash book,
account ledger (first page), month close, public page, API member list.

    python bench/bench_web.py [--database URL] [--port 8171] [--users 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_line, django_setup, note


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def prepare() -> tuple[list[tuple[str, str]], str, str]:
    """The mix of (page, path), a session cookie and an API token for the fund's chair."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from kongtun.api.models import api_token_create
    from kongtun.funds.models import Fund, Role
    from kongtun.funds.services import role_grant
    from kongtun.ledger.services import account_for
    from kongtun.network.dataset import network_dataset_build

    fund = Fund.objects.filter(short_code="SYN0001").first()
    if fund is None:
        note("building a fund of about 10,000 members (once)")
        network_dataset_build(scale=0.0001, members_per_fund=10_000, progress=note)
        fund = Fund.objects.get(short_code="SYN0001")
    user, created = get_user_model().objects.get_or_create(username="bench-chair")
    if created:
        role_grant(fund=fund, user=user, role=Role.CHAIR, actor=None)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    token = api_token_create(user=user, name=f"bench-{time.time():.0f}")
    member = fund.members.order_by("pk")[fund.members.count() // 2]
    cash = account_for(fund, "cash")
    f = f"/f/{fund.pk}"
    mix = [
        ("dashboard", f"{f}/"),
        ("member_list", f"{f}/members/"),
        ("search", f"{f}/members/?q=%E0%B8%AA%E0%B8%A1"),
        ("member_detail", f"{f}/members/{member.pk}/"),
        ("statement", f"{f}/reports/members/{member.pk}/"),
        ("trial_balance", f"{f}/books/trial-balance/"),
        ("cash_book", f"{f}/books/cash-book/"),
        ("account_ledger", f"{f}/books/accounts/{cash.pk}/"),
        ("month_close", f"{f}/books/months/"),
        ("public", f"/p/{fund.short_code}/"),
        ("api_members", f"/api/v1/funds/{fund.pk}/members"),
    ]
    return mix, session.session_key, token


def load(base: str, mix, cookie: str, token: str, users: int, seconds: float) -> dict:
    results: dict[str, list[float]] = {name: [] for name, _p in mix}
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def person(seed: int) -> None:
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, 2))
        while time.monotonic() < stop:
            name, path = rng.choice(mix)
            headers = {"Cookie": f"sessionid={cookie}"}
            if path.startswith("/api/"):
                headers = {"Authorization": f"Bearer {token}"}
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(base + path, headers=headers), timeout=60
                ) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                results[name].append(elapsed)
                errors[0] += 0 if ok else 1
            time.sleep(rng.uniform(2, 5))

    threads = [threading.Thread(target=person, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"pages": results, "errors": errors[0]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--database",
        # PostgreSQL as a server runs it: KONGTUN_BENCH_WEB_DATABASE=postgres://…/kongtun_web10k
        default=os.environ.get(
            "KONGTUN_BENCH_WEB_DATABASE", f"sqlite:///{ROOT / 'var' / 'web-10k.sqlite3'}"
        ),
    )
    parser.add_argument("--port", type=int, default=8171)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    django_setup(args.database)
    mix, cookie, token = prepare()
    env = {**os.environ, "DATABASE_URL": args.database, "KONGTUN_BACKUP_AUTO": "0"}
    server = subprocess.Popen(
        # -o: never reinstall the virtual environment from here (it may be shared)
        [
            "make",
            "-o",
            ".venv/.installed",
            "serve",
            "HOST=127.0.0.1",
            f"PORT={args.port}",
            "WORKERS=3",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except Exception:
                time.sleep(1)
        load_before = os.getloadavg()[0]
        one = load(base, mix, cookie, token, 1, args.seconds)
        many = load(base, mix, cookie, token, args.users, args.seconds)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    every = [v for values in many["pages"].values() for v in values]
    baseline = [v for values in one["pages"].values() for v in values]
    per_page = {name: round(p95(values)) for name, values in many["pages"].items()}
    note(f"per page p95 (ms), {args.users} users: {per_page}")
    note(f"requests: {len(every)} with {args.users} users, {len(baseline)} with 1")
    bench_line(
        "web_p95_10k",
        p95(every),
        "ms",
        "the same mix with 1 user",
        p95(baseline),
        errors=many["errors"] + one["errors"],
        users=args.users,
        requests=len(every),
        median_ms=round(statistics.median(every)) if every else None,
        per_page=per_page,
        database=args.database.split(":", 1)[0],
        load_average_before=round(load_before, 1),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
