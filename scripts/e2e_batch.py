"""Type a meeting batch by keyboard at a human pace, as a treasurer would, and check what saved.

    .venv/bin/python scripts/e2e_batch.py --base http://127.0.0.1:8000 --fund 1 \\
        --user banthi.treasurer --password kongtun-demo --latency 400 --offline-at 20

Types 50 payments (member numbers read from the fund's arrears page unless ``--numbers`` gives
them), number, Enter, Enter, at ``--key-delay`` ms a key, never waiting for the page: the
person at the meeting does not. ``--latency MS`` delays every answer (Chromium's network
emulation); ``--offline-at N`` drops the connection before row N, presses save while offline,
restores it and saves again. Exits 1 if the receipts the server confirms differ from the typed
rows or a member was recorded twice. Needs Playwright (requirements-e2e.txt) and Debian's
Chromium; nothing is downloaded. ``tests/e2e`` and ``make e2e`` use the same driver.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}

# The page answered: the saved batch (its receipts listed) or the refusal naming rows.
CONFIRMED = ".messages .success, #batch-errors"


@dataclass(frozen=True)
class Row:
    """One payment as the person types it: what goes in the number box (any form the lookup
    understands), the amount typed or None to take the plan's, and what must be saved."""

    typed: str
    amount: str | None
    number: str
    saved_amount: Decimal


def thai_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def typed_forms(number: str, i: int) -> str:
    """The ways people type ``VV-SSSS`` at a meeting: exact, without the dash, without the
    leading zeros, in Thai digits."""
    village, _, seq = number.partition("-")
    if not seq:
        return number
    forms = [
        number,
        village + seq,
        f"{int(village)}-{int(seq)}",
        thai_digits(number),
        f"{int(village)}{seq}",
    ]
    return forms[i % len(forms)]


def rows_for(numbers: list[str], plan_amount: Decimal, *, varied: bool = True) -> list[Row]:
    """50-odd rows: every fourth typed with its own amount (two months), the rest Enter, Enter."""
    rows = []
    for i, number in enumerate(numbers):
        own = i % 4 == 3
        rows.append(
            Row(
                typed=typed_forms(number, i) if varied else number,
                amount=str(int(plan_amount * 2)) if own else None,
                number=number,
                saved_amount=plan_amount * 2 if own else plan_amount,
            )
        )
    return rows


class Net:
    """Chromium's network emulation through the DevTools protocol."""

    def __init__(self, page: Any, latency: int = 0) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.latency = latency
        self.set(offline=False)

    def set(self, *, offline: bool) -> None:
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": offline,
                "latency": self.latency,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            },
        )


def type_batch(
    page: Any,
    rows: list[Row],
    *,
    key_delay: int = 180,
    net: Net | None = None,
    offline_at: int | None = None,
) -> float:
    """Type every row by keyboard (focus starts in the first number box) and save with
    Ctrl+Enter; returns the seconds from the first key to the server's answer on screen.
    With ``offline_at`` the connection drops before that row (1-based) and comes back after a
    save attempt made while offline."""
    page.locator("#rows input[name=number]").first.focus()
    started = time.perf_counter()
    for n, row in enumerate(rows, 1):
        if offline_at == n and net is not None:
            net.set(offline=True)
        page.keyboard.type(row.typed, delay=key_delay)
        page.keyboard.press("Enter")
        page.wait_for_timeout(key_delay)
        if row.amount is not None:
            page.keyboard.press("Control+a")
            page.keyboard.type(row.amount, delay=key_delay)
        page.keyboard.press("Enter")
        page.wait_for_timeout(key_delay)
    page.keyboard.press("Control+Enter")
    if offline_at is not None and net is not None:
        page.wait_for_selector("#netstatus.offline", timeout=15_000)
        page.wait_for_timeout(1000)
        net.set(offline=False)
        page.wait_for_selector("#netstatus.online", timeout=15_000)
        page.keyboard.press("Control+Enter")
    page.wait_for_selector(CONFIRMED, timeout=60_000)
    return time.perf_counter() - started


def saved_on_page(page: Any) -> list[tuple[str, Decimal]]:
    """The receipts the server lists after the save: (member number, amount)."""
    found = []
    for tr in page.locator("table.receipts-batch tbody tr").all():
        cells = [c.inner_text().strip() for c in tr.locator("td").all()]
        if len(cells) >= 4:
            found.append((cells[2], Decimal(cells[4].replace(",", ""))))
    return found


def differences(rows: list[Row], saved: list[tuple[str, Decimal]]) -> list[str]:
    """What went wrong, in words: missing, extra, wrong amounts, members recorded twice."""
    want = Counter((r.number, r.saved_amount) for r in rows)
    got = Counter(saved)
    problems = [f"typed but not saved: {k} ×{v}" for k, v in (want - got).items()]
    problems += [f"saved but not typed: {k} ×{v}" for k, v in (got - want).items()]
    twice = [n for n, c in Counter(n for n, _ in saved).items() if c > 1]
    problems += [f"recorded twice: {n}" for n in twice]
    return problems


def login(page: Any, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_load_state()


def numbers_from_fund(page: Any, base: str, fund: str, n: int) -> list[str]:
    """Member numbers to type: the first members the arrears page lists (they can pay)."""
    page.goto(f"{base}/f/{fund}/contributions/arrears/")
    text = page.locator("main").inner_text()
    found = list(dict.fromkeys(re.findall(r"\b\d{2}-\d{4}\b", text)))
    return found[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default="http://127.0.0.1:8000")
    ap.add_argument("--fund", default="1")
    ap.add_argument("--user", default="banthi.treasurer")
    ap.add_argument("--password", default="kongtun-demo")
    ap.add_argument("--numbers", help="member numbers separated by spaces (default: 50 in arrears)")
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--plan-amount", default="30", help="the plan amount Enter, Enter takes")
    ap.add_argument("--latency", type=int, default=0, help="ms before every answer")
    ap.add_argument("--offline-at", type=int, help="drop the connection before row N")
    ap.add_argument("--key-delay", type=int, default=180, help="ms between keys")
    ap.add_argument("--headed", action="store_true")
    args = ap.parse_args(argv)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=not args.headed,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport=PHONE, locale="th-TH")
        login(page, args.base, args.user, args.password)
        numbers = (
            args.numbers.split()
            if args.numbers
            else numbers_from_fund(page, args.base, args.fund, args.count)
        )
        rows = rows_for(numbers, Decimal(args.plan_amount))
        page.goto(f"{args.base}/f/{args.fund}/contributions/batch/")
        net = Net(page, args.latency)
        elapsed = type_batch(
            page, rows, key_delay=args.key_delay, net=net, offline_at=args.offline_at
        )
        saved = saved_on_page(page)
        problems = differences(rows, saved)
        browser.close()
    print(
        f"{len(rows)} payments typed at {args.key_delay} ms a key, {args.latency} ms latency"
        f"{f', offline from row {args.offline_at}' if args.offline_at else ''}:"
        f" {len(saved)} saved, {elapsed:.1f} s from the first key to the confirmed save"
    )
    for p_ in problems:
        print("  " + p_)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
