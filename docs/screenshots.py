"""Make the README's pictures of the page: ``python docs/screenshots.py``.

Serves the page over a sandbox (in a temporary home, so nothing of yours is touched), schedules
``samples/meetings.xlsx`` in Debian's /usr/bin/chromium through Playwright at 1280×800, and saves
``docs/images/page_en.png`` and ``docs/images/page_ja.png`` with the results in view. Needs the
test extras (``pip install -e '.[test]'``), the chromium package and, for the Japanese picture,
a Japanese font (Debian: fonts-noto-cjk); downloads no browser.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from batch_zoom.config import Credentials
from batch_zoom.sandbox import ZoomSandbox
from batch_zoom.web import Zoom, create_app, running

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "meetings.xlsx"
IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
TOKEN = "screenshots"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]
ARGS += ["--disable-component-update", "--disable-sync", "--no-first-run"]
SIZE = {"width": 1280, "height": 800}


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"screenshots: {CHROMIUM} is missing (apt-get install chromium)", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home, ZoomSandbox(plan=None) as zoom:
        credentials = Credentials("sandbox-account", "sandbox-client", "sandbox-secret")

        def make(port: int) -> Any:
            return create_app(
                port=port,
                token=TOKEN,
                zoom=Zoom(zoom.api_url, zoom.oauth_url, True, credentials),
                environment={"HOME": home},
                data=Path(home) / "data",
            )

        with running(make) as port, sync_playwright() as playwright:
            origin = f"http://127.0.0.1:{port}"
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            english = browser.new_context(locale="en-US", viewport=SIZE)
            page = english.new_page()
            page.goto(f"{origin}/login?token={TOKEN}")
            page.fill("#timezone", "Asia/Tokyo")
            with page.expect_navigation():
                page.set_input_files("#sheet-file", str(SAMPLE))
            page.click("#schedule-button")
            page.wait_for_selector("#results .receipt", timeout=60_000)
            shoot(page, IMAGES / "page_en.png")
            japanese = browser.new_context(locale="ja-JP", viewport=SIZE)
            japanese.add_cookies(english.cookies())
            shoot(japanese.new_page(), IMAGES / "page_ja.png", origin)
            browser.close()
    for name in ("page_en.png", "page_ja.png"):
        print(f"wrote {IMAGES / name}")
    return 0


def shoot(page: Any, path: Path, origin: str | None = None) -> None:
    """The results and what led to them: the view scrolled to the end of the page."""
    if origin is not None:
        page.goto(origin)
    page.wait_for_selector("#results .receipt")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.screenshot(path=str(path))


if __name__ == "__main__":
    raise SystemExit(main())
