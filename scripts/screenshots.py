"""Screenshots of a condition page for the README (docs/screenshots/): desktop and phone, in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py [PORT]

Serves the demo clinic from a throw-away SQLite database with runserver on 127.0.0.1:PORT (default 8131), takes
the pictures, and stops the server.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PAGE = "/conditions/post-laminectomy-syndrome/"
SHOTS = {"condition-desktop.png": (1280, 900, False), "condition-phone.png": (390, 844, True)}


def main(port=8131):
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3", "CACHE_DIR": f"{folder}/cache",
               "DJANGO_SETTINGS_MODULE": "clinic.settings.dev", "LOG_LEVEL": "WARNING"}  # fmt: skip
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True)
        subprocess.run([*manage, "load_demo_content", "-v0"], env=env, check=True)
        server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(50):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            OUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
                )
                for name, (width, height, mobile) in SHOTS.items():
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, is_mobile=mobile, device_scale_factor=1
                    )
                    page = context.new_page()
                    page.goto(f"{base}{PAGE}")
                    page.screenshot(path=str(OUT / name), full_page=False)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"Wrote {', '.join(SHOTS)} to {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
