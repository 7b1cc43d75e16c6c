"""`make scaletest`: two app servers behind Varnish, under load, while an editor withdraws and publishes.

All on loopback, started and stopped here: a Redis server (port SCALETEST_REDIS_PORT, 8159) shared by the app
servers, a PostgreSQL database (`clinic_scaletest` on the local server) with the demo clinic scaled to 1,000
conditions, two gunicorn app servers (deploy/gunicorn.conf.py, ports 8151 and 8152, production settings, purging
Varnish by tag) and Debian's varnishd (deploy/varnish.vcl, port 6181) in front of them.

wrk reads 300 condition pages and the indexes (read once before, so Varnish is warm) through Varnish for
SCALETEST_SECONDS (15) while an editor, signed in to the admin of app server 1
(its real forms, with CSRF), withdraws a condition, publishes it again and publishes a changed summary. Checks:

- every response wrk gets is a 200 (the withdrawn page is not in its list: the poller below reads it),
- each change is visible through Varnish within 1 second (withdrawn: 404; published again: 200; the new summary),

then prints the throughput and Varnish's hit ratio. Exits 1 if a check fails.
"""

import http.cookies
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import production_environment  # noqa: E402 - the repository's root is on the path just above

PYTHON = sys.executable
SECONDS = int(os.environ.get("SCALETEST_SECONDS", "15"))
DATABASE = os.environ.get("SCALETEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_scaletest")
REDIS_PORT = int(os.environ.get("SCALETEST_REDIS_PORT", "8159"))
APP_PORTS = (8151, 8152)
VARNISH_PORT = int(os.environ.get("SCALETEST_VARNISH_PORT", "6181"))
VARNISH = f"http://127.0.0.1:{VARNISH_PORT}"
APP = f"http://127.0.0.1:{APP_PORTS[0]}"
VISIBLE_WITHIN = 1.0  # seconds
EDITOR, PASSWORD = "scaletest-editor", secrets.token_urlsafe(16)

RANDOM_PATHS_LUA = """
paths = {}
for line in io.lines("%s") do paths[#paths + 1] = line end
request = function() return wrk.format("GET", paths[math.random(1, #paths)]) end
"""

SETUP = f"""
from django.contrib.auth import get_user_model
from conditions.models import Condition
User = get_user_model()
user, _ = User.objects.get_or_create(username="{EDITOR}", defaults={{"is_staff": True, "is_superuser": True}})
user.set_password("{PASSWORD}"); user.is_staff = user.is_superuser = True; user.save()
changed = Condition.objects.published().filter(slug__contains="-example-").order_by("pk").first()
print("changed", changed.pk, changed.get_absolute_url())
for condition in Condition.objects.published().only("slug"):
    print("PATH", condition.get_absolute_url())
"""


class FormScraper(HTMLParser):
    """What a browser posts from the admin's change form: inputs, textareas, selected options."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self.textarea = self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value") or "on"))
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                self.data.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self.textarea = [name, ""]
        elif tag == "select" and name and "__prefix__" not in name:
            self.select = [name, None, None]  # name, first option, selected
        elif tag == "option" and self.select:
            value = attrs.get("value", "")
            self.select[1] = value if self.select[1] is None else self.select[1]
            if "selected" in attrs:
                self.select[2] = value

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.data.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select:
            name, first, selected = self.select
            self.data.append((name, selected if selected is not None else (first or "")))
            self.select = None


class Editor:
    """A staff member in the admin of one app server: cookies kept by hand (they are Secure; the app sits behind
    TLS in production, told by X-Forwarded-Proto), CSRF token from each form."""

    def __init__(self, base):
        self.base, self.cookies = base, {}
        self.origin = "https://" + base.split("://", 1)[1]

    def request(self, path, data=None):
        headers = {"X-Forwarded-Proto": "https", "Origin": self.origin, "Referer": self.origin + path}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response.read().decode("utf-8", "replace")

    def form(self, path, form_id):
        status, page = self.request(path)
        assert status == 200, (path, status)
        scraper = FormScraper(form_id)
        scraper.feed(page)
        return scraper.data

    def log_in(self):
        data = dict(self.form("/admin/login/", "login-form"))
        status, _ = self.request("/admin/login/", {**data, "username": EDITOR, "password": PASSWORD})
        assert status == 302, f"could not sign in to the admin ({status})"

    def press(self, pk, button, **changes):
        path = f"/admin/conditions/condition/{pk}/change/"
        data = [(name, value) for name, value in self.form(path, "condition_form") if name not in changes]
        status, page = self.request(path, [*data, *changes.items(), (button, "1")])
        assert status == 302, f"{button} was not accepted ({status}): {re.findall(r'errorlist.{0,200}', page)[:3]}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def through_varnish(path):
    try:
        with urllib.request.urlopen(VARNISH + path, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def visible_after(path, check):
    """Seconds until `check(status, body)` holds through Varnish (polled every 20 ms, for 5 s at most)."""
    start = time.monotonic()
    while time.monotonic() - start < 5:
        if check(*through_varnish(path)):
            return time.monotonic() - start
        time.sleep(0.02)
    return float("inf")


def start(command, env, log):
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def varnish_counters(workdir):
    output = subprocess.run(
        ["varnishstat", "-n", workdir, "-1", "-f", "MAIN.cache_hit", "-f", "MAIN.cache_miss"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {name: int(value) for name, value in re.findall(r"MAIN\.(\w+)\s+(\d+)", output)}


def main():  # noqa: PLR0915 - one scenario, read top to bottom
    for tool in ("wrk", "varnishd", "varnishstat", "redis-server"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: apt-get install -y wrk varnish redis-server")
    work = Path(tempfile.mkdtemp(prefix="clinic-scaletest-"))
    log = open(work / "servers.log", "w")  # noqa: SIM115 - closed in finally
    env = production_environment(
        DATABASE_URL=DATABASE,
        CSRF_TRUSTED_ORIGINS=",".join(f"https://127.0.0.1:{port}" for port in APP_PORTS),
        REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
        PAGE_CACHE_RELEASE="scaletest",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="4",
        DB_POOL_MAX_SIZE="4",
    )
    # The app servers purge Varnish by tag (the setup commands run before Varnish starts: nothing to purge).
    app_env = {"PAGE_CACHE_PURGE_BACKEND": "varnish", "VARNISH_PURGE_URLS": VARNISH}
    processes = []
    try:
        redis = start(["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "",
                       "--appendonly", "no"], env, log)  # fmt: skip
        processes.append(redis)
        name = DATABASE.rsplit("/", 1)[1]
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)
        print("Setting up: PostgreSQL database, 1,000 conditions ...", flush=True)
        manage = [PYTHON, "manage.py"]
        subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "load_demo_content", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "scale_demo_content", "--conditions", "1000"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        setup = subprocess.run([*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, check=True, capture_output=True,
                               text=True).stdout  # fmt: skip
        changed_pk, changed = re.search(r"changed (\d+) (\S+)", setup).groups()
        # 300 condition pages and the indexes, each read once through Varnish before the measure: a warm cache.
        paths = [path for path in re.findall(r"PATH (\S+)", setup) if path != changed][:300]
        paths += ["/", "/conditions/", "/conditions/?letter=C", "/treatments/", "/research/", "/sitemap.xml"]
        (work / "paths.txt").write_text("\n".join(paths) + "\n")

        for port in APP_PORTS:
            gunicorn = str(Path(PYTHON).parent / "gunicorn")
            processes.append(start([gunicorn, "-c", "deploy/gunicorn.conf.py", "clinic.wsgi"],
                                   {**env, **app_env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, log))  # fmt: skip
        for port in APP_PORTS:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        varnish_dir = str(work / "varnish")
        processes.append(start(["varnishd", "-F", "-n", varnish_dir, "-a", f"127.0.0.1:{VARNISH_PORT}",
                                "-f", str(ROOT / "deploy" / "varnish.vcl"), "-s", "malloc,128m",
                                "-p", "ban_lurker_sleep=0.01"], env, log))  # fmt: skip
        wait_for(VARNISH + "/healthz")

        for path in paths:
            through_varnish(path)
        editor = Editor(APP)
        editor.log_in()
        assert through_varnish(changed)[0] == 200

        lua = work / "paths.lua"
        lua.write_text(RANDOM_PATHS_LUA % (work / "paths.txt"))
        before = varnish_counters(varnish_dir)
        print(f"wrk through Varnish for {SECONDS} s while the editor withdraws and publishes ...", flush=True)
        wrk = subprocess.Popen(
            ["wrk", "-t2", "-c16", f"-d{SECONDS}s", "--timeout", "5s", "-s", str(lua), VARNISH],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        timings = {}
        time.sleep(2)
        editor.press(changed_pk, "_withdraw")
        timings["withdrawn: 404 through Varnish"] = visible_after(changed, lambda status, body: status == 404)
        time.sleep(1)
        editor.press(changed_pk, "_publish")
        timings["published again: 200 through Varnish"] = visible_after(changed, lambda status, body: status == 200)
        time.sleep(1)
        summary = f"A summary changed under load ({secrets.token_hex(4)})."
        editor.press(changed_pk, "_publish", summary=summary)
        timings["changed summary visible through Varnish"] = visible_after(
            changed, lambda status, body: summary in body
        )
        output, _ = wrk.communicate(timeout=SECONDS + 60)
        after = varnish_counters(varnish_dir)
    finally:
        for process in reversed(processes):
            stop(process)
        log.close()

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = int((re.search(r"Non-2xx or 3xx responses: (\d+)", output) or [0, 0])[1])
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    hits = after.get("cache_hit", 0) - before.get("cache_hit", 0)
    misses = after.get("cache_miss", 0) - before.get("cache_miss", 0)
    print(f"\n{total:,} requests through Varnish: {rps:,.0f} req/s, hit ratio {hits / max(1, hits + misses):.1%} "
          f"({hits:,} hits, {misses:,} misses), {non_2xx} non-2xx, {socket_errors} socket errors")  # fmt: skip
    failures = []
    for label, seconds in timings.items():
        ok = seconds <= VISIBLE_WITHIN
        print(f"  {label}: {seconds * 1000:.0f} ms {'ok' if ok else 'TOO SLOW'}")
        failures += [] if ok else [label]
    if non_2xx or socket_errors:
        failures.append("responses other than 200")
    shutil.rmtree(work, ignore_errors=True) if not failures else print(f"logs kept in {work}")
    if failures:
        raise SystemExit("FAILED: " + ", ".join(failures))
    print("scaletest passed")


if __name__ == "__main__":
    main()
