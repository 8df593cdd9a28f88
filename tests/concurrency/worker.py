"""A separate process that works on the test database like a second treasurer would: its own
interpreter, its own database connection (``python -m tests.concurrency.worker JSON``).

Tests start several of these at once (``spawn``) and read one JSON line each from stdout. They
wait for a common start time so their work overlaps; every failure is reported as data
(``errors``), never raised, so the test can assert "no error" and show what went wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import traceback
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def spawn(db_name: str, task: str, start_at: float, **params: object) -> subprocess.Popen:
    """Start one worker on the database ``db_name`` (the test database's NAME)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kongtun.settings"}
    payload = json.dumps({"db": db_name, "task": task, "start_at": start_at, **params})
    return subprocess.Popen(
        [sys.executable, "-m", "tests.concurrency.worker", payload],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def collect(procs: list[subprocess.Popen], timeout: float = 600) -> list[dict]:
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        lines = [line for line in out.splitlines() if line.startswith("{")]
        if proc.returncode or not lines:
            raise AssertionError(f"worker failed ({proc.returncode}):\n{out}\n{err}")
        results.append(json.loads(lines[-1]))
    return results


def _setup(db_name: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connections

    connections["default"].settings_dict["NAME"] = db_name


def _wait(start_at: float) -> None:
    delay = start_at - time.time()
    if delay > 0:
        time.sleep(delay)


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def task_pay(p: dict) -> dict:
    """Record ``count`` single payments, cycling over ``numbers``, through the service."""
    from kongtun.contributions.services import PaymentInput, contributions_record
    from kongtun.funds.models import Fund

    fund = Fund.objects.get(pk=p["fund_id"])
    paid_on = dt.date.fromisoformat(p["paid_on"])
    receipts, errors = [], []
    _wait(p["start_at"])
    for i in range(p["count"]):
        number = p["numbers"][i % len(p["numbers"])]
        try:
            [r] = contributions_record(
                fund=fund,
                items=[PaymentInput(number, Decimal(p["amount"]))],
                paid_on=paid_on,
                actor=None,
                today=paid_on,
            )
            receipts.append(r.pk)
        except Exception as exc:
            errors.append(_error(exc))
    return {"receipts": receipts, "errors": errors, "finished_at": time.time()}


def task_batch(p: dict) -> dict:
    """Record ``batches`` meeting batches of all ``numbers`` through the service."""
    from kongtun.contributions.services import PaymentInput, contributions_record
    from kongtun.funds.models import Fund

    fund = Fund.objects.get(pk=p["fund_id"])
    paid_on = dt.date.fromisoformat(p["paid_on"])
    receipts, errors = [], []
    _wait(p["start_at"])
    for _ in range(p["batches"]):
        items = [
            PaymentInput(n, Decimal(p["amount"]), row=i) for i, n in enumerate(p["numbers"], 1)
        ]
        try:
            done = contributions_record(
                fund=fund, items=items, paid_on=paid_on, actor=None, today=paid_on
            )
            receipts += [r.pk for r in done]
        except Exception as exc:
            errors.append(_error(exc))
    return {"receipts": receipts, "errors": errors}


def task_web(p: dict) -> dict:
    """POST one form ``times`` times, as a browser does on a double click or a resubmit."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=p["user_id"]))
    _wait(p["start_at"])
    answers, errors = [], []
    for _ in range(p.get("times", 1)):
        try:
            response = client.post(p["url"], p["data"])
            answers.append([response.status_code, response.headers.get("Location", "")])
        except Exception as exc:
            errors.append(_error(exc))
    return {"answers": answers, "errors": errors}


def task_import(p: dict) -> dict:
    """Import a contributions book through the importer, as the import page does."""
    from kongtun.funds.models import Fund
    from kongtun.imports.services import contributions_import

    fund = Fund.objects.get(pk=p["fund_id"])
    _wait(p["start_at"])
    try:
        report = contributions_import(
            fund=fund,
            path=p["path"],
            actor=None,
            today=dt.date.fromisoformat(p["today"]),
        )
        return {"rows": report.imported, "errors": []}
    except Exception as exc:
        return {"rows": 0, "errors": [_error(exc)]}


def task_close(p: dict) -> dict:
    """Close the books through a month, as the months page does."""
    from kongtun.funds.models import Fund
    from kongtun.ledger.book_services import months_close_through

    fund = Fund.objects.get(pk=p["fund_id"])
    _wait(p["start_at"])
    try:
        closed = months_close_through(
            fund=fund,
            through=dt.date.fromisoformat(p["through"]),
            actor=None,
            today=dt.date.fromisoformat(p["today"]),
        )
        return {"closed": len(closed), "errors": []}
    except Exception as exc:
        return {"closed": 0, "errors": [_error(exc)]}


def task_deadlock(p: dict) -> dict:
    """Lock two counters in the order given, pausing between: two workers with opposite
    orders deadlock on PostgreSQL, and the database aborts one of them."""
    from django.db import transaction

    from kongtun.core.concurrency import retry_transient
    from kongtun.core.models import Counter

    attempts = []

    @retry_transient
    @transaction.atomic
    def work() -> None:
        attempts.append(1)
        for i, key in enumerate(p["keys"]):
            Counter.objects.select_for_update().get(fund_id=p["fund_id"], key=key)
            if i == 0:
                time.sleep(p["pause"])
        Counter.objects.filter(fund_id=p["fund_id"], key__in=p["keys"]).update(
            value=models.F("value") + 1
        )

    from django.db import models

    _wait(p["start_at"])
    try:
        work()
        return {"attempts": len(attempts), "errors": []}
    except Exception as exc:
        return {"attempts": len(attempts), "errors": [_error(exc)]}


def main() -> None:
    params = json.loads(sys.argv[1])
    _setup(params["db"])
    try:
        result = globals()[f"task_{params['task']}"](params)
    except Exception:
        result = {"errors": [traceback.format_exc()[-2000:]]}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
