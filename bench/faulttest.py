"""`make faulttest`: the production server under load while its database and cache fail, with the figures.

Starts a PostgreSQL cluster of its own (initdb in a temp folder, 127.0.0.1:FAULTTEST_PG_PORT, default 5460) and a
redis-server of its own (127.0.0.1:FAULTTEST_REDIS_PORT, 6390, `maxmemory` with `allkeys-lru`, as docs/deploy.md
recommends), loads the demo clinic scaled to FAULTTEST_CONDITIONS (200) conditions, and runs gunicorn with
deploy/gunicorn.conf.py and production settings on 127.0.0.1:FAULTTEST_PORT (8160). Then:

1. Throughput (wrk, 64 connections, as fast as the server goes): the production config against the former
   `max_requests = 5000`, alternated twice.
2. A baseline and each fault under a steady wrk load on 30 cached pages, while /healthz and a cached page are
   probed every 20 ms and an uncached page (search) every 0.5 s, as a load balancer and a visitor would:
   PostgreSQL stopped for 10 s, then for 40 s (and how long after PostgreSQL accepts connections again the first
   uncached page answers 200); the conditions table locked (ACCESS EXCLUSIVE, from another connection) for 10 s and
   PostgreSQL hung (SIGSTOP) for 10 s, each with FAULTTEST_CROWD (24) more visitors at once on an uncached page;
   Redis hung (SIGSTOP) for 10 s. A logged-in superuser opens admin pages meanwhile, and for 5 s after each
   database fault (no stray 503 once it is over).
3. A flood of made-up query strings, then PostgreSQL stopped: how many popular pages still get their copy.
4. `kill -9` of one worker under the throughput load: requests per second in the 30 s after against the 20 s
   before, in one wrk run (its keep-alive connections as they are), counted from the server's log.

Every response of every phase is read back from the server's JSON log: any 500 fails the run. Prints the figures
and exits 1 if any requirement of issue 16 is missed. FAULTTEST_PHASES picks phases (default all:
throughput,outage,lock,hang,redis,flood,kill). Needs wrk, redis-server and PostgreSQL's server programs. Takes about
six minutes; every server it starts is stopped at the end.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from datetime import datetime
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402
    RedisServer,
    ThrowawayPostgres,
    child_processes,
    manage,
    postgres_bindir,
    production_environment,
)

PG_PORT = int(os.environ.get("FAULTTEST_PG_PORT", "5460"))
REDIS_PORT = int(os.environ.get("FAULTTEST_REDIS_PORT", "6390"))
PORT = int(os.environ.get("FAULTTEST_PORT", "8160"))
CONDITIONS = int(os.environ.get("FAULTTEST_CONDITIONS", "200"))
CONNECTIONS = int(os.environ.get("FAULTTEST_CONNECTIONS", "8"))
# During the faults: each connection waits this long between requests (8 connections: at most ~1,000 req/s, well
# below what the server takes, so latencies show the fault, not a saturated CPU).
LOAD_DELAY_MS = int(os.environ.get("FAULTTEST_LOAD_DELAY_MS", "8"))
LOAD_SECONDS = int(os.environ.get("FAULTTEST_SECONDS", "10"))
# Long enough for the former max_requests = 5000 to recycle each of 5 workers about once at ~1,300 req/s.
THROUGHPUT_SECONDS = int(os.environ.get("FAULTTEST_THROUGHPUT_SECONDS", "20"))
OUTAGES = [int(seconds) for seconds in os.environ.get("FAULTTEST_OUTAGES", "10,40").split(",")]
REDIS_MAXMEMORY = os.environ.get("FAULTTEST_REDIS_MAXMEMORY", "32mb")
# While the database is locked or hung: this many visitors at once on uncached pages (more than the 5 x 4 threads),
# each pausing FAULTTEST_CROWD_DELAY_MS between requests: few requests (at most ~50 req/s), but enough at once that
# requests waiting for the database could hold every thread.
CROWD = int(os.environ.get("FAULTTEST_CROWD", "24"))
CROWD_DELAY_MS = int(os.environ.get("FAULTTEST_CROWD_DELAY_MS", "500"))
# kill -9 of one worker under the throughput load: seconds measured before and after.
KILL_BEFORE, KILL_AFTER = 20, 30
PHASES = set(os.environ.get("FAULTTEST_PHASES", "throughput,outage,lock,hang,redis,flood,kill").split(","))
# Issue 16: every page answers 200 within this long of the database answering again, whatever the outage.
RECOVERY_SECONDS = 1
UNCACHED = "/search/?q=sciatica"  # search results are never cached: every request needs the database
ADMIN_PAGES = ["/admin/", "/admin/conditions/condition/", "/admin/conditions/condition/add/", "/admin/auth/user/"]
PASSWORD = secrets.token_urlsafe(16)

CYCLE_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  %s
end
"""
PLAIN = 'return wrk.format("GET", path)'
JUNK_QUERY = ('return wrk.format("GET", path .. "?utm_source=" .. counter .. "-" .. math.random(1, 1000000000) '
              '.. "&fbclid=" .. math.random(1, 1000000000))')  # fmt: skip


# --- Small helpers ------------------------------------------------------------------------------------------


def fetch(method, path, body=None, headers=None, timeout=10):
    """(status, headers, body, seconds); never follows redirects. No answer within `timeout` (or a connection
    error) is status 0."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, response.headers, data, time.monotonic() - started
    except OSError:
        return 0, http.client.HTTPMessage(), b"", time.monotonic() - started
    finally:
        connection.close()


def wrk(paths, seconds, connections, script=PLAIN, label="load", delay_ms=0):
    """Runs wrk over `paths`; returns {rps, p50, p99, requests, non2xx, errors} (latencies in ms). With `delay_ms`
    each connection pauses that long between requests: a steady load, not as many requests as the server can take."""
    lua = Path(tempfile.mkstemp(prefix=f"faulttest-{label}-", suffix=".lua")[1])
    pause = f"\ndelay = function() return {delay_ms} end\n" if delay_ms else ""
    lua.write_text(CYCLE_LUA % (", ".join(json.dumps(path) for path in paths), script) + pause)
    try:
        output = subprocess.run(
            ["wrk", "--threads", "2" if connections > 1 else "1", "--connections", str(connections), "--duration",
             f"{seconds}s", "--timeout", "10s", "--latency", "--script", str(lua), f"http://127.0.0.1:{PORT}"],
            capture_output=True, text=True, timeout=seconds + 60,
        ).stdout  # fmt: skip
    finally:
        lua.unlink()
    return parse_wrk(output)


def parse_wrk(output):
    def milliseconds(value):
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    percentiles = dict(re.findall(r"^\s+(50|99)\.?0*%\s+(\S+)\s*$", output, re.MULTILINE))
    if "99" not in percentiles:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "p50": milliseconds(percentiles["50"]),
        "p99": milliseconds(percentiles["99"]),
        "non2xx": int((re.search(r"Non-2xx or 3xx responses: (\d+)", output) or [0, 0])[1]),
        "errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def in_background(function, *args, **kwargs):
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=function(*args, **kwargs)), daemon=True)
    thread.start()
    return thread, result


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] if values else float("nan")


class Server:
    """gunicorn -c deploy/gunicorn.conf.py clinic.wsgi, production settings; its log is read back per phase."""

    def __init__(self, env, log):
        self.env, self.log, self.process = env, Path(log), None

    def start(self, **extra):
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "clinic.wsgi"],
                cwd=ROOT, env={**self.env, **extra}, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        for _ in range(150):
            try:
                if fetch("GET", "/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not become ready:\n{self.log.read_text()[-3000:]}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def mark(self):
        return self.log.stat().st_size

    def db_health(self, since):
        """(how many workers marked the database down, the UNIX times at which they found it back) since `mark()`."""
        down, up = 0, []
        with self.log.open("rb") as log:
            log.seek(since)
            for line in log:
                if line.startswith(b'{"') and b'"logger": "clinic.db_health"' in line:
                    entry = json.loads(line)
                    if "failing fast" in entry["message"]:
                        down += 1
                    elif "answers again" in entry["message"]:
                        up.append(datetime.fromisoformat(entry["time"]).timestamp())
        return down, up

    def workers(self):
        return child_processes(self.process.pid)

    def requests(self, since):
        """The request log entries (parsed JSON) written since `mark()`."""
        with self.log.open("rb") as log:
            log.seek(since)
            for line in log:
                if line.startswith(b'{"') and b'"logger": "clinic.request"' in line:
                    yield json.loads(line)

    def requests_per_second(self, since):
        """{UNIX second: requests answered in it} since `mark()`."""
        return dict(Counter(int(datetime.fromisoformat(entry["time"]).timestamp()) for entry in self.requests(since)))

    def statuses(self, since):
        """Status counts of the requests logged since `mark()`."""
        return dict(Counter(entry.get("status") for entry in self.requests(since)))


def log_in():
    """A superuser's session cookie, through the real login form (the production cookies are Secure: sent by hand)."""
    status, headers, body, _ = fetch("GET", "/admin/login/")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))[1]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()
    form = urllib.parse.urlencode({"username": "faulttest", "password": PASSWORD, "csrfmiddlewaretoken": token})
    status, headers, _, _ = fetch("POST", "/admin/login/?next=/admin/", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}",
        "Referer": f"http://127.0.0.1:{PORT}/admin/login/"})  # fmt: skip
    session = re.search(r"sessionid=([^;]+)", "; ".join(headers.get_all("Set-Cookie") or []))
    if status != 302 or not session:
        raise SystemExit(f"could not log in to the admin (status {status})")
    return f"sessionid={session[1]}; csrftoken={csrf_cookie}"


def admin_statuses(cookie):
    return {path: fetch("GET", path, headers={"Cookie": cookie})[0] for path in ADMIN_PAGES}


# --- The phases ---------------------------------------------------------------------------------------------


def probe(path, seconds, interval, cookie=None):
    """What a load balancer or one visitor sees: `path` every `interval` s; [(status, ms, Retry-After)]."""
    samples, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, headers, _, elapsed = fetch("GET", path, headers={"Cookie": cookie} if cookie else None)
        samples.append((status, elapsed * 1000, headers.get("Retry-After")))
        time.sleep(interval)
    return samples


def under_load(paths, seconds, crowd=0):
    """wrk on the cached pages (FAULTTEST_CONNECTIONS, a steady load) for `seconds`, while /healthz, the home page
    (cached) and an uncached page are probed, and with `crowd` a second wrk keeps that many visitors on the uncached
    page; returns the figures."""
    load, load_result = in_background(wrk, paths, seconds, CONNECTIONS, label="load", delay_ms=LOAD_DELAY_MS)
    if crowd:
        crowd_load, crowd_result = in_background(wrk, [UNCACHED], seconds, crowd, label="crowd",
                                                 delay_ms=CROWD_DELAY_MS)  # fmt: skip
    probes = {name: in_background(probe, path, seconds, interval)
              for name, path, interval in [("healthz", "/healthz", 0.02), ("cached", "/", 0.02),
                                           ("uncached", UNCACHED, 0.5)]}  # fmt: skip
    load.join()
    figures = {"load": load_result["value"]}
    if crowd:
        crowd_load.join()
        figures["crowd"] = crowd_result["value"]
    for name, (thread, result) in probes.items():
        thread.join()
        samples = result["value"]
        figures[name] = {
            "p99": percentile([ms for _, ms, _ in samples], 0.99),
            "statuses": sorted({status for status, _, _ in samples}),
            "retry_after": all(retry for status, _, retry in samples if status == 503),
        }
    return figures


def describe(figures):
    load = figures["load"]
    text = (f"load {load['rps']:,.0f} req/s (wrk p99 {load['p99']:.0f} ms, {load['non2xx']} non-2xx); "
            f"p99 /healthz {figures['healthz']['p99']:.1f} ms, cached page {figures['cached']['p99']:.1f} ms, "
            f"uncached page {figures['uncached']['p99']:.1f} ms {figures['uncached']['statuses']}")  # fmt: skip
    if "crowd" in figures:
        crowd = figures["crowd"]
        text += (f"; {CROWD} visitors on uncached pages: {crowd['rps']:,.0f} req/s, p50 {crowd['p50']:.0f} ms, "
                 f"p99 {crowd['p99']:.0f} ms")  # fmt: skip
    return text


def measure_throughput(server, paths):
    """The production config against the former `max_requests = 5000`, alternated twice (the machine is shared:
    the spread of the two runs of one config is the noise)."""
    runs = {"production": [], "former": []}
    for label, extra in [("production", {}), ("former", {"GUNICORN_MAX_REQUESTS": "5000"})] * 2:
        server.stop()
        server.start(**extra)
        for path in paths:
            fetch("GET", path)
        runs[label].append(wrk(paths, THROUGHPUT_SECONDS, 64, label="throughput")["rps"])
        print(f"  {label}: {runs[label][-1]:,.0f} req/s", flush=True)
    server.stop()
    server.start()
    return runs


def database_outage(server, postgres, paths, seconds, cookie):
    mark = server.mark()
    postgres.stop()
    stopped = time.monotonic()
    admin = admin_statuses(cookie)
    figures = under_load(paths, seconds - 1)
    while time.monotonic() - stopped < seconds:
        time.sleep(0.05)
    postgres.start()  # pg_ctl -w: returns once PostgreSQL accepts connections
    back, back_wall = time.monotonic(), time.time()
    figures["recovery"] = figures["recovery_all"] = None
    while time.monotonic() - back < 60:
        if fetch("GET", UNCACHED)[0] == 200:
            figures["recovery"] = time.monotonic() - back
            break
        time.sleep(0.02)
    # Meanwhile every worker (each finds out on its own) must have logged that it is back.
    figures["admin_after"] = admin_after(cookie, since=back)
    down, up = server.db_health(mark)
    if down and len(up) == down:
        figures["recovery_all"] = max(up) - back_wall
    figures.update(admin=admin, statuses=server.statuses(mark))
    return figures


def redis_hang(server, redis, paths, seconds, cookie):
    mark = server.mark()
    redis.pause()
    try:
        admin = admin_statuses(cookie)
        figures = under_load(paths, seconds)
    finally:
        redis.resume()
    figures.update(admin=admin, statuses=server.statuses(mark))
    return figures


def admin_after(cookie, since, seconds=5):
    """The admin's statuses in the `seconds` after the first page answered 200 again ({status: count}, and when the
    last other status came, in seconds after `since`, the moment the fault ended). Each worker finds out on its own
    that the database is back, within RECOVERY_SECONDS of it: an answer other than 200 after that is a failure
    (counted under "late")."""
    counts, started = {"late": 0}, time.monotonic()
    while time.monotonic() - started < seconds:
        for path in ADMIN_PAGES:
            status = fetch("GET", path, headers={"Cookie": cookie})[0]
            counts[status] = counts.get(status, 0) + 1
            if status != 200:
                counts[f"last {status} at"] = f"{time.monotonic() - since:.2f} s"
                counts["late"] += time.monotonic() - since > RECOVERY_SECONDS
    return counts


def database_fault(server, paths, seconds, cookie, begin, end):
    """`begin()` a fault of the running database, keep it `seconds` under the steady load plus a crowd on an uncached
    page, `end()` it; then how soon the uncached page answers 200 and what the admin answers just after."""
    mark = server.mark()
    begin()
    try:
        admin_thread, admin = in_background(admin_statuses, cookie)
        figures = under_load(paths, seconds - 1, crowd=CROWD)
        admin_thread.join()
    finally:
        end()
    ended = time.monotonic()
    figures["recovery"] = None
    while time.monotonic() - ended < 30:
        if fetch("GET", UNCACHED)[0] == 200:
            figures["recovery"] = time.monotonic() - ended
            break
        time.sleep(0.02)
    figures.update(admin=admin["value"], admin_after=admin_after(cookie, since=ended), statuses=server.statuses(mark))
    figures["breaker"] = server.db_health(mark)
    per_second = server.requests_per_second(mark)
    figures["timeline"] = [per_second.get(second, 0) for second in range(min(per_second), max(per_second) + 1)]
    return figures


def table_locked(server, postgres, paths, seconds, cookie):
    """`LOCK TABLE conditions_condition IN ACCESS EXCLUSIVE MODE` held `seconds` from another connection (as a
    migration or VACUUM FULL would): every uncached condition page, the search and /readyz need that table."""
    connection = psycopg.connect(postgres.url.replace("postgres://", "postgresql://"), autocommit=False)

    def begin():
        connection.execute("LOCK TABLE conditions_condition IN ACCESS EXCLUSIVE MODE")

    def end():
        connection.rollback()
        connection.close()

    return database_fault(server, paths, seconds, cookie, begin, end)


def database_hung(server, postgres, paths, seconds, cookie):
    """Every PostgreSQL process stopped (SIGSTOP) for `seconds`: connections are accepted, nothing answers."""
    return database_fault(server, paths, seconds, cookie, postgres.pause, postgres.resume)


def worker_killed(server, paths):
    """`kill -9` of one worker under the throughput load (wrk, 64 keep-alive connections): requests per second in the
    KILL_AFTER seconds after against the KILL_BEFORE seconds before, in one wrk run, from the server's log."""
    for path in paths:
        fetch("GET", path)
    mark = server.mark()
    load, result = in_background(wrk, paths, KILL_BEFORE + KILL_AFTER, 64, label="kill")
    time.sleep(KILL_BEFORE)
    victim = server.workers()[0]
    killed = int(time.time())
    os.kill(victim, signal.SIGKILL)
    load.join()
    counts = server.requests_per_second(mark)
    before = [counts.get(second, 0) for second in range(killed - KILL_BEFORE + 3, killed)]  # wrk's start left out
    after = [counts.get(second, 0) for second in range(killed + 1, killed + KILL_AFTER - 1)]
    windows = [sum(after[i : i + 5]) / 5 for i in range(len(after) - 4)]
    return {"before": sum(before) / len(before), "after": sum(after) / len(after), "worst_5s": min(windows),
            "load": result["value"], "statuses": server.statuses(mark)}  # fmt: skip


def query_string_flood(server, postgres, redis_client, paths):
    for path in paths:
        fetch("GET", path)
    before = redis_client.info("stats")["evicted_keys"], redis_client.dbsize()
    flood = wrk(paths, LOAD_SECONDS, CONNECTIONS, script=JUNK_QUERY, label="flood")
    after = redis_client.info("stats")["evicted_keys"], redis_client.dbsize()
    mark = server.mark()
    postgres.stop()
    try:
        served = sum(fetch("GET", path)[0] == 200 for path in paths)
    finally:
        postgres.start()
    return {"flood": flood, "evicted": after[0] - before[0], "keys_added": after[1] - before[1], "served": served,
            "statuses": server.statuses(mark)}  # fmt: skip


# --- Main -----------------------------------------------------------------------------------------------------


def main():
    missing = [name for name in ("wrk", "redis-server") if not shutil.which(name)]
    if missing or postgres_bindir() is None:
        raise SystemExit(f"needed: {', '.join(missing or ['PostgreSQL server programs (initdb, pg_ctl)'])}")
    work = Path(tempfile.mkdtemp(prefix="clinic-faulttest-"))
    work.chmod(0o755)  # PostgreSQL runs as the postgres user when this runs as root: it must reach its folder
    postgres = ThrowawayPostgres(work / "postgres", port=PG_PORT)
    redis_server = RedisServer(work / "redis", port=REDIS_PORT)
    server = None
    failures = []
    try:
        print(f"== PostgreSQL on 127.0.0.1:{PG_PORT}, Redis on 127.0.0.1:{REDIS_PORT} ({REDIS_MAXMEMORY}, "
              f"allkeys-lru), gunicorn -c deploy/gunicorn.conf.py on 127.0.0.1:{PORT}", flush=True)  # fmt: skip
        postgres.init()
        redis_server.start()
        redis_client = redis.Redis(port=REDIS_PORT)
        redis_client.config_set("maxmemory", REDIS_MAXMEMORY)
        env = production_environment(
            DATABASE_URL=postgres.url, REDIS_URL=redis_server.url, TRUSTED_PROXY_COUNT="0", LOG_FORMAT="json",
            GUNICORN_BIND=f"127.0.0.1:{PORT}", DB_POOL_MAX_SIZE=os.environ.get("GUNICORN_THREADS", "4"),
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )  # fmt: skip
        print(f"== Demo clinic scaled to {CONDITIONS} conditions", flush=True)
        manage("migrate", "--no-input", "-v0", env=env)
        manage("load_demo_content", env=env)
        manage("scale_demo_content", "--conditions", str(CONDITIONS), env=env)
        manage("collectstatic", "--no-input", "-v0", env=env)
        manage("createsuperuser", "--no-input", "--username", "faulttest", "--email", "f@example.org", env=env)
        slugs = manage("shell", "-v0", "-c", "from conditions.models import Condition; print(' '.join("
                       "Condition.objects.published().order_by('pk').values_list('slug', flat=True)[:26]))",
                       env=env).stdout.split()  # fmt: skip
        paths = ["/", "/conditions/", "/treatments/", "/research/", *(f"/conditions/{slug}/" for slug in slugs)]

        server = Server({**env, "LOG_LEVEL": "INFO"}, work / "gunicorn.log")
        server.start()
        cookie = log_in()
        summary = []

        if "throughput" in PHASES:
            print(f"== 1. Throughput (wrk, 64 connections, cached pages, {THROUGHPUT_SECONDS} s each)", flush=True)
            runs = measure_throughput(server, paths)
            cookie = log_in()
            production, former = max(runs["production"]), max(runs["former"])
            summary.append(
                f"throughput (best of 2): production config (no recycling) {production:,.0f} req/s, runs "
                f"{' / '.join(f'{rps:,.0f}' for rps in runs['production'])}; former max_requests = 5000 "
                f"{former:,.0f} req/s ({former / production:.0%})"
            )
        if not re.search(r"^max_requests = int\(os.environ.get\(\"GUNICORN_MAX_REQUESTS\", \"0\"\)\)",
                         (ROOT / "deploy/gunicorn.conf.py").read_text(), re.MULTILINE):  # fmt: skip
            failures.append("deploy/gunicorn.conf.py recycles workers by default")

        for path in paths:  # cached, as they are on a site in use
            fetch("GET", path)
        print(f"== Baseline: {CONNECTIONS} wrk connections on cached pages, probes every 20 ms", flush=True)
        baseline = under_load(paths, LOAD_SECONDS)
        print("  " + describe(baseline), flush=True)
        summary.append(f"baseline: {describe(baseline)}")

        for seconds in OUTAGES if "outage" in PHASES else []:
            print(f"== 2. PostgreSQL stopped for {seconds} s under the same load", flush=True)
            outage = database_outage(server, postgres, paths, seconds, cookie)
            print("  " + describe(outage))
            recovery, recovery_all = outage["recovery"], outage["recovery_all"]
            print(f"  Retry-After {'on every 503' if outage['uncached']['retry_after'] else 'MISSING'}; "
                  f"admin {sorted(set(outage['admin'].values()))}, after it {outage['admin_after']}; "
                  + (f"first 200 {recovery:.2f} s after PostgreSQL accepted connections, every worker back after "
                     f"{recovery_all:.2f} s (from their logs)" if recovery_all is not None
                     else "NO RECOVERY within 60 s"))  # fmt: skip
            print(f"  responses: {outage['statuses']}", flush=True)
            if recovery_all is None or recovery_all > RECOVERY_SECONDS:
                failures.append(f"recovery after a {seconds} s outage: {recovery_all}")
            if outage["cached"]["p99"] >= 100 or outage["healthz"]["p99"] >= 100:
                failures.append(f"{seconds} s outage: p99 cached page {outage['cached']['p99']:.0f} ms, "
                                f"/healthz {outage['healthz']['p99']:.0f} ms")  # fmt: skip
            if outage["load"]["non2xx"] or outage["cached"]["statuses"] != [200]:
                failures.append(f"{seconds} s outage: cached pages not served ({outage['load']['non2xx']} non-2xx)")
            if outage["uncached"]["statuses"] != [503] or not outage["uncached"]["retry_after"]:
                failures.append(f"{seconds} s outage: uncached page answered {outage['uncached']['statuses']}")
            if 500 in outage["statuses"] or 500 in outage["admin"].values():
                failures.append(f"{seconds} s outage: a 500")
            if outage["admin_after"]["late"]:
                failures.append(f"{seconds} s outage: admin after it {outage['admin_after']}")
            if recovery_all is not None:
                summary.append(
                    f"{seconds} s database outage: first 200 after {outage['recovery']:.2f} s, every worker after "
                    f"{outage['recovery_all']:.2f} s; {describe(outage)}; admin just after {outage['admin_after']}; "
                    f"500s: {outage['statuses'].get(500, 0)}"
                )

        faults = [("lock", f"conditions_condition locked (ACCESS EXCLUSIVE) for {LOAD_SECONDS} s", table_locked),
                  ("hang", f"PostgreSQL hung (SIGSTOP) for {LOAD_SECONDS} s", database_hung)]  # fmt: skip
        for name, title, run in faults:
            if name not in PHASES:
                continue
            print(f"== 2b. {title} under the same load plus {CROWD} visitors on an uncached page", flush=True)
            fault = run(server, postgres, paths, LOAD_SECONDS, cookie)
            recovery = fault["recovery"]
            print("  " + describe(fault))
            print(f"  Retry-After {'on every 503' if fault['uncached']['retry_after'] else 'MISSING'}; "
                  f"admin {sorted(set(fault['admin'].values()))}, after it {fault['admin_after']}; "
                  + (f"first uncached 200 {recovery:.2f} s after it ended" if recovery is not None
                     else "NO RECOVERY within 30 s"))  # fmt: skip
            print(f"  responses: {fault['statuses']}; breaker opened {fault['breaker'][0]} times, closed "
                  f"{len(fault['breaker'][1])}; answered per second {fault['timeline']}", flush=True)  # fmt: skip
            if fault["cached"]["p99"] >= 100 or fault["healthz"]["p99"] >= 100:
                failures.append(f"{name}: p99 cached page {fault['cached']['p99']:.0f} ms, "
                                f"/healthz {fault['healthz']['p99']:.0f} ms")  # fmt: skip
            if fault["load"]["non2xx"] or fault["cached"]["statuses"] != [200]:
                failures.append(f"{name}: cached pages not served ({fault['load']['non2xx']} non-2xx)")
            # A lock fails a request after 100 ms, a hung server is noticed after ~0.7 s (clinic/db_health.py);
            # before, both held every request for 5 s or more.
            if fault["crowd"]["p99"] >= 1500 or not fault["uncached"]["retry_after"]:
                failures.append(f"{name}: uncached pages p99 {fault['crowd']['p99']:.0f} ms")
            if 500 in fault["statuses"] or 500 in fault["admin"].values():
                failures.append(f"{name}: a 500")
            if recovery is None or recovery > RECOVERY_SECONDS or fault["admin_after"]["late"]:
                failures.append(f"{name}: first 200 after {recovery} s, admin after it {fault['admin_after']}")
            summary.append(f"{title}: {describe(fault)}; first uncached 200 after "
                           f"{recovery if recovery is None else round(recovery, 2)} s; admin during "
                           f"{sorted(set(fault['admin'].values()))}, just after {fault['admin_after']}; "
                           f"500s: {fault['statuses'].get(500, 0)}")  # fmt: skip

        if "redis" in PHASES:
            print(f"== 3. Redis hung (SIGSTOP) for {LOAD_SECONDS} s under the same load", flush=True)
            hang = redis_hang(server, redis_server, paths, LOAD_SECONDS, cookie)
            print("  " + describe(hang) + f"; admin {sorted(set(hang['admin'].values()))}")
            print(f"  responses: {hang['statuses']}", flush=True)
            if hang["cached"]["p99"] >= 100 or hang["healthz"]["p99"] >= 100:
                failures.append(f"hung Redis: p99 cached page {hang['cached']['p99']:.0f} ms, "
                                f"/healthz {hang['healthz']['p99']:.0f} ms")  # fmt: skip
            if set(hang["admin"].values()) != {200} or 500 in hang["statuses"]:
                failures.append(f"hung Redis: admin {hang['admin']}, responses {hang['statuses']}")
            summary.append(f"hung Redis: {describe(hang)}; admin {sorted(set(hang['admin'].values()))}; "
                           f"500s: {hang['statuses'].get(500, 0)}")  # fmt: skip

        if "flood" in PHASES:
            print(f"== 4. {LOAD_SECONDS} s of made-up query strings, then PostgreSQL stopped", flush=True)
            flood = query_string_flood(server, postgres, redis_client, paths)
            print(
                f"  {flood['flood']['requests']:,} junk requests: {flood['keys_added']} keys added, "
                f"{flood['evicted']} evicted; during the outage {flood['served']} of {len(paths)} popular pages "
                f"served"
            )
            if flood["served"] != len(paths) or flood["evicted"]:
                failures.append(f"flood: {flood['served']}/{len(paths)} pages served, {flood['evicted']} evicted")
            if 500 in flood["statuses"]:
                failures.append("flood: a 500")
            summary.append(
                f"query-string flood: {flood['flood']['requests']:,} requests, {flood['keys_added']} keys added, "
                f"{flood['evicted']} evicted, {flood['served']}/{len(paths)} pages served in the outage after it"
            )

        if "kill" in PHASES:
            print(f"== 5. kill -9 of one worker under wrk (64 connections), {KILL_BEFORE} s + {KILL_AFTER} s",
                  flush=True)  # fmt: skip
            kill = worker_killed(server, paths)
            ratio = kill["after"] / kill["before"]
            line = (f"kill -9 of a worker: {kill['before']:,.0f} req/s before, {kill['after']:,.0f} req/s in the "
                    f"{KILL_AFTER} s after ({ratio:.0%}), worst 5 s after {kill['worst_5s']:,.0f} req/s; "
                    f"responses {kill['statuses']}")  # fmt: skip
            print("  " + line, flush=True)
            if ratio < 0.85 or 500 in kill["statuses"]:
                failures.append(line)
            summary.append(line)

        print("\n== Figures")
        print("\n".join(summary))
    finally:
        if server is not None:
            server.stop()
        redis_server.stop()
        postgres.stop()
        if os.environ.get("FAULTTEST_KEEP_LOG"):
            shutil.copy(work / "gunicorn.log", os.environ["FAULTTEST_KEEP_LOG"])
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\nFAULT TEST FAILED:\n  " + "\n  ".join(failures))
        raise SystemExit(1)
    print("\nFAULT TEST PASSED")


if __name__ == "__main__":
    main()
