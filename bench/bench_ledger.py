"""Trial balance over 1,000,000 journal lines, next to `hledger bal` on the exported journal.

Run alone: .venv/bin/python bench/bench_ledger.py [--lines N]
Prints: BENCH {"name": "trial_balance_1m", "value": <seconds>, "unit": "s", "baseline":
"hledger bal", "baseline_value": <seconds>, "ratio": hledger / ours, "peak_mb": …}
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(db_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "kongtun.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_books(lines: int, seed: int = 1) -> object:
    """A fund with lines/2 two-legged entries over 15 years, inserted by the raw driver (this
    bench measures reading the books, not writing them)."""
    import datetime as dt

    from django.db import connection, transaction

    from kongtun.funds.services import AreaInput, FundInput, fund_create
    from kongtun.ledger.models import Account

    fund = fund_create(
        data=FundInput(
            name_th="กองทุนทดสอบความเร็ว",
            short_code="BENCH",
            province_code="51",
            district=AreaInput("5107", "บ้านธิ"),
            subdistrict=AreaInput("510701", "บ้านธิ"),
            founded_on=dt.date(2010, 1, 1),
        ),
        actor=None,
    )
    accounts = list(Account.objects.filter(fund=fund).values_list("id", "type"))
    debit_side = [a for a, t in accounts if t in ("asset", "expense")]
    credit_side = [a for a, t in accounts if t in ("income", "equity", "liability")]
    rng = random.Random(seed)
    start = dt.date(2010, 1, 1).toordinal()
    entries = lines // 2
    with transaction.atomic(), connection.cursor() as c:
        rows_e, rows_l = [], []
        for seq in range(1, entries + 1):
            day = dt.date.fromordinal(start + seq * 5475 // entries).isoformat()
            rows_e.append((fund.pk, seq, day, f"entry {seq}", "manual", "", day))
            amount = rng.randrange(1, 500_000)
            rows_l.append((seq, fund.pk, day, rng.choice(debit_side), amount, ""))
            rows_l.append((seq, fund.pk, day, rng.choice(credit_side), -amount, ""))
        c.executemany(
            "INSERT INTO ledger_journalentry (fund_id, seq, date, description, source_type, "
            "source_ref, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows_e,
        )
        c.execute("SELECT MIN(id) FROM ledger_journalentry WHERE fund_id = %s", [fund.pk])
        first_id = c.fetchone()[0]
        c.executemany(
            "INSERT INTO ledger_journalline (entry_id, fund_id, date, account_id, amount_satang, "
            "memo) VALUES (%s, %s, %s, %s, %s, %s)",
            [(first_id + seq - 1, *rest) for seq, *rest in rows_l],
        )
        c.execute("ANALYZE")
    return fund


def time_ours(fund: object, repeat: int = 3) -> tuple[float, float, dict]:
    from kongtun.ledger.selectors import trial_balance

    best = float("inf")
    result = {}
    for _ in range(repeat):
        started = time.perf_counter()
        result = trial_balance(fund=fund)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    trial_balance(fund=fund)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, peak, result


def time_hledger(fund: object, workdir: Path) -> tuple[float | None, dict]:
    from kongtun.ledger.export import hledger_journal

    if shutil.which("hledger") is None:
        print(
            "hledger is missing: install Debian's hledger (apt-get install hledger) for the "
            "baseline",
            file=sys.stderr,
        )
        return None, {}
    journal = workdir / "books.journal"
    with journal.open("w", encoding="utf-8") as f:
        f.writelines(hledger_journal(fund))
    started = time.perf_counter()
    out = subprocess.run(
        ["hledger", "-f", str(journal), "bal", "--flat", "--no-total", "-O", "csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapsed = time.perf_counter() - started
    balances = {}
    for row in out.strip().splitlines()[1:]:
        name, amount = [c.strip('"') for c in row.split('","')]
        balances[name.split(":")[1].split()[0]] = amount.replace(" THB", "").replace(",", "")
    return elapsed, balances


def main(lines: int = 1_000_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        setup_django(workdir / "bench.sqlite3")
        fund = build_books(lines)
        ours, peak, tb = time_ours(fund)
        theirs, hledger_balances = time_hledger(fund, workdir)
        if hledger_balances:
            mine = {r.account.code: f"{r.debit - r.credit:.2f}" for r in tb["rows"]}
            if mine != hledger_balances:
                print("hledger disagrees with our trial balance!", file=sys.stderr)
                sys.exit(1)
        figure = {
            "name": "trial_balance_1m" if lines == 1_000_000 else f"trial_balance_{lines}",
            "value": round(ours, 4),
            "unit": "s",
            "baseline": "hledger bal on the exported journal",
            "baseline_value": round(theirs, 3) if theirs else None,
            "ratio": round(theirs / ours, 1) if theirs else None,
            "peak_mb": round(peak, 2),
            "lines": lines,
            "balances_agree": bool(hledger_balances),
        }
        print("BENCH " + json.dumps(figure), flush=True)
        return figure


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    main(parser.parse_args().lines)
