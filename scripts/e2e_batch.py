"""Drive the meeting-batch page by keyboard only, as a treasurer would, and time it.

Usage: .venv/bin/python scripts/e2e_batch.py BASE_URL NUMBERS_FILE [FUND_ID] [DATE] [KEY_DELAY_MS]
NUMBERS_FILE holds member numbers separated by spaces. Needs `pip install playwright` and
Debian's chromium (nothing is downloaded). Logs in as banthi.treasurer (demo password).
"""

from __future__ import annotations

import sys
import time

from playwright.sync_api import sync_playwright

FOCUSED_ROW_HAS_AMOUNT = (
    "() => { const rows = [...document.querySelectorAll('#rows tr')];"
    " const r = rows.find(r => r.contains(document.activeElement));"
    " return r && r.querySelector('input[name=amount]').value !== ''; }"
)


def main() -> None:
    base, numbers_file = sys.argv[1], sys.argv[2]
    fund = sys.argv[3] if len(sys.argv) > 3 else "1"
    day = (
        sys.argv[4]
        if len(sys.argv) > 4
        else time.strftime("%d/%m/") + str(int(time.strftime("%Y")) + 543)
    )
    delay = int(sys.argv[5]) if len(sys.argv) > 5 else 60
    numbers = open(numbers_file, encoding="utf-8").read().split()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", "banthi.treasurer")
        page.fill("input[name=password]", "kongtun-demo")
        page.click("button.primary")
        page.goto(f"{base}/f/{fund}/contributions/batch/")
        page.fill("input[name=paid_on]", day)
        page.locator("input[name=number]").first.focus()
        started = time.perf_counter()
        for number in numbers:
            page.keyboard.type(number, delay=delay)
            page.keyboard.press("Enter")
            page.wait_for_function(FOCUSED_ROW_HAS_AMOUNT)
            page.keyboard.press("Enter")
        page.keyboard.press("Control+Enter")
        page.wait_for_load_state("networkidle")
        elapsed = time.perf_counter() - started
        message = page.locator(".messages, .errors").first.inner_text()
        print(f"{len(numbers)} payments typed and recorded in {elapsed:.1f} s ({delay} ms a key)")
        print(message)
        browser.close()


if __name__ == "__main__":
    main()
