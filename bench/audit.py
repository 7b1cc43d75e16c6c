"""`make audit`: Lighthouse scores of the home and condition pages, served the production way.

Starts gunicorn with production settings (WhiteNoise, compressed hashed static files) on a free loopback port,
over a throwaway SQLite database holding the demo clinic, runs Lighthouse (npm, in bench/audit/) in Debian's
Chromium, prints Performance / Accessibility / Best Practices / SEO per page, and stops the server. Exits 1 when
a score is under 95.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import free_port, production_environment  # noqa: E402 - the repository's root is on the path

LIGHTHOUSE = ROOT / "bench" / "audit" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGES = {"home": "/", "condition": "/conditions/post-laminectomy-syndrome/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
MINIMUM = 95


def main():
    workdir = Path(tempfile.mkdtemp(prefix="clinic-audit-"))
    port = free_port()
    env = production_environment(DATABASE_URL=f"sqlite:///{workdir / 'audit.sqlite3'}")
    python = sys.executable
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["load_demo_content", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "clinic.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--no-control-socket", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = {name: lighthouse(f"{base}{path}", workdir) for name, path in PAGES.items()}
    finally:
        server.terminate()
        server.wait(timeout=10)

    when = time.strftime("%Y-%m-%d")
    print(f"Lighthouse {lighthouse_version()} (mobile, simulated throttling), Debian Chromium, {when}")
    print(f"{'page':<12}" + "".join(f"{category:>16}" for category in CATEGORIES))
    failing = False
    for name, scores in results.items():
        print(f"{name:<12}" + "".join(f"{scores[category]:>16}" for category in CATEGORIES))
        failing |= any(scores[category] < MINIMUM for category in CATEGORIES)
    return 1 if failing else 0


def lighthouse(url, workdir):
    report = workdir / "report.json"
    subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking "
         "--disable-component-update --no-first-run"],
        check=True, env={**os.environ, "CHROME_PATH": CHROMIUM},
    )  # fmt: skip
    data = json.loads(report.read_text())
    return {category: round(data["categories"][category]["score"] * 100) for category in CATEGORIES}


def lighthouse_version():
    return subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
