"""Screenshots of the pages users see, in headless Chromium (Debian's), for review.

Usage: .venv/bin/python scripts/screenshots.py [base_url] [username] [path ...]
Writes PNGs at 360 px and 1280 px wide into screenshots/. Needs `pip install playwright`
(dev only; it drives /usr/bin/chromium, nothing is downloaded).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FULL = os.environ.get("FULL_PAGE", "1") == "1"
OUT = Path(__file__).resolve().parent.parent / "screenshots"


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    user = sys.argv[2] if len(sys.argv) > 2 else "banthi.chair"
    paths = sys.argv[3:] or ["/"]
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for width in (360, 1280):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(base + "/accounts/login/")
            page.fill("input[name=username]", user)
            page.fill("input[name=password]", "kongtun-demo")
            page.click("button.primary")
            for path in paths:
                page.goto(base + path)
                name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=FULL)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
