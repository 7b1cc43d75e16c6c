"""`make bench`: how close the public pages come to serving a static file, measured in one run.

Sets up PostgreSQL database `clinic_bench` with the demo clinic scaled to 1,000 conditions and 10,000 research
articles, starts gunicorn with production settings on a free loopback port, and runs `wrk` against:

- the condition page's own bytes served as a static file by WhiteNoise (the upper limit),
- the condition page, cache hit and cache miss (a unique query string per request defeats the page cache),
- the A–Z index (hit and miss), the home page (miss), and search (unique queries, so every one is computed).

Each is printed as requests/second, p50/p99 latency and a ratio to the static limit, with the page's SQL query
count. Then the p50/p95 latency of search itself (in-process, 200 queries incl. misspellings), the in-process
render time and size of the condition page, A–Z index and home page, and the targeted purges: every page of the
site is cached, one condition saved, and the share of the other pages still served from the cache is counted.
Last, each aim of issue 15 with its measured value. The machine is
shared and noisy: compare ratios within one run, not absolute numbers across runs. Bounded: every wrk run lasts
BENCH_SECONDS (default 10) on loopback only, and the server is stopped at the end.

Last, `import_citations` of a generated 7,000-record BibTeX library (tests/citation_corpus.py), published by a
medical reviewer into the same 10,000-article site: wall time, CPU time and peak memory of the command's process.
`bench/bench.py --only imports` (`make bench-imports`) runs just that.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.citation_corpus import generated_bibtex  # noqa: E402 - the repository's root is on the path just above
from tests.servers import free_port, production_environment  # noqa: E402

PYTHON = sys.executable
IMPORT_RECORDS = 7_000
# sum(range(10**6)) on an idle core of a current x86 server, CPython 3.13 (the calibration printed with the figures).
CALIBRATION_IDLE_MS = 11
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
DATABASE = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_bench")
CONDITION = "/conditions/post-laminectomy-syndrome/"
# A condition page nobody requests without a query string: the cache serves a page's copy to any query string it
# ignores but never stores one, so with a unique query string each request renders this page (a cache miss).
UNCACHED_CONDITION = "/conditions/lumbar-radiculopathy/"

UNIQUE_QUERY_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "{sep}bench=" .. counter .. "-" .. math.random(1, 1000000000))
end
"""
SEARCH_LUA = """
terms = {"back pain", "sciatica", "failed back syndrome", "lamenectomy", "spinal cord stimulation", "neck",
         "injection", "nerve damage", "stenosis", "knee"}
counter = 0
request = function()
  counter = counter + 1
  local term = terms[(counter % #terms) + 1]
  return wrk.format("GET", "/search/?q=" .. term:gsub(" ", "+") .. "&n=" .. counter .. math.random(1, 1000000))
end
"""

SETUP_ARTICLES = """
import random
from django.db import connection, transaction
from conditions.models import ResearchArticle, Status
from conditions.search import search_vector_expression
from django.utils import timezone
wanted = {articles}
have = ResearchArticle.objects.filter(slug__startswith="bench-article-").count()
# A published page needs a sign-off (a database constraint): the bench articles share a demo article's.
signoff = ResearchArticle.objects.published().exclude(signoff=None).first().signoff
topics = ["spinal cord stimulation", "epidural steroid injection", "failed back surgery syndrome", "sciatica",
          "radiofrequency ablation", "knee osteoarthritis", "neuropathic pain", "physical therapy", "opioids"]
with transaction.atomic():
    ResearchArticle.objects.bulk_create([
        ResearchArticle(
            title=f"Outcomes of {{random.choice(topics)}} in a cohort of {{n}} patients",
            slug=f"bench-article-{{n}}", journal="Pain Medicine", journal_abbreviation="Pain Med",
            year=random.randint(1995, 2026),
            abstract=f"A study of {{random.choice(topics)}} and {{random.choice(topics)}}.",
            status=Status.PUBLISHED, published_at=timezone.now(), signoff=signoff)
        for n in range(have, wanted)
    ], batch_size=1000)
    ResearchArticle.objects.filter(search_vector__isnull=True).update(
        search_vector=search_vector_expression(ResearchArticle))
# As autovacuum leaves a live site within minutes: fresh planner statistics, GIN indexes' pending lists merged (a
# previous run's import and its removal left tens of thousands of entries that every keyword lookup read).
connection.cursor().execute("VACUUM ANALYZE")
print(ResearchArticle.objects.count(), "articles")
"""

COUNT_QUERIES = """
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
for url in {urls!r}:
    for cache in caches.all():
        cache.clear()
    client.get(url)  # the first request also reads what later ones find remembered (clinic details, the site)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    print(f"QUERIES {{url}} {{len(queries)}} {{status}}")
"""

SEARCH_LATENCY = """
import statistics, time
from conditions.search import search_site
terms = ["back pain", "sciatica", "failed back syndrome", "lamenectomy", "sciatia", "spinal cord stimulation",
         "neck pain", "injection", "nerve damage", "stenosis", "knee", "radiofrequency", "erdek", "opioids"]
search_site("warm up")
times = []
for n in range(200):
    start = time.perf_counter()
    search_site(terms[n % len(terms)])
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(f"SEARCH p50={times[99]:.1f} p95={times[189]:.1f} max={times[-1]:.1f}")
"""


SETUP_REVIEWER = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
reviewer, _ = get_user_model().objects.get_or_create(
    username="bench-reviewer", defaults={"is_staff": True, "first_name": "Bench", "last_name": "Reviewer"}
)
reviewer.groups.add(Group.objects.get(name="Medical reviewer"))
"""

# The previous run's import is removed, so every run writes all the records.
IMPORT_SETUP = """
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from clinic.cache import bump_generation
from conditions.models import ResearchArticle
# With receivers connected (page cache, history) Django deletes one object at a time: over 10 minutes for 7,000
# articles. Without them it deletes in a few bulk queries; the page cache is then emptied once.
for signal in (pre_delete, post_delete, m2m_changed):
    signal.receivers.clear()
    signal.sender_receivers_cache.clear()
ResearchArticle.objects.filter(title__contains="in a cohort study, number").delete()
bump_generation()
"""

# A process of its own runs the command, so its peak memory is the command's (ru_maxrss of its only child).
MEASURE_CHILD = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds, usage = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"IMPORT {{seconds:.2f}} {{usage.ru_utime + usage.ru_stime:.2f}} {{usage.ru_maxrss}} {{code}}")
"""


RENDER_LATENCY = """
import statistics, time
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
for url in {urls!r}:
    client.get(url)
    times = []
    for n in range(200):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"RENDER {{url}} {{times[99]:.2f}} {{len(response.content)}}")
# Where the condition page's time goes: its template (with the filters and tags it calls) and its SQL round trips;
# the rest is the view, Django building queries and rows, and the middleware.
from django.db import connection
from django.template.response import SimpleTemplateResponse
spent = {{}}
render_content = SimpleTemplateResponse.rendered_content.fget
def timed(key, call, *args):
    start = time.perf_counter()
    try:
        return call(*args)
    finally:
        spent[key] = spent.get(key, 0) + time.perf_counter() - start
SimpleTemplateResponse.rendered_content = property(lambda self: timed("template", render_content, self))
parts = {{"total": [], "template": [], "sql": []}}
with connection.execute_wrapper(lambda execute, *args: timed("sql", execute, *args)):
    for n in range(200):
        spent.clear()
        timed("total", client.get, {urls[0]!r})
        for key in parts:
            parts[key].append(spent.get(key, 0) * 1000)
print("BREAKDOWN " + " ".join(f"{{key}}={{statistics.median(times):.2f}}" for key, times in parts.items()))
# The machine's speed at that moment, to read the milliseconds above against (shared, throttled CPUs vary 4x).
runs = []
for n in range(5):
    start = time.perf_counter()
    sum(range(10**6))
    runs.append((time.perf_counter() - start) * 1000)
print(f"CALIBRATION {{min(runs):.1f}}")
"""

SITE_URLS = """
from conditions.models import Condition, ResearchArticle, Treatment
urls = ["/", "/conditions/", "/treatments/", "/research/", "/research/feed/", "/sitemap.xml"]
urls += [f"/conditions/?letter={{letter}}" for letter in Condition.objects.published().first_letters()]
for model in (Condition, Treatment, ResearchArticle):
    # Not the 10,000 generated articles: a visitor's walk through the site, within the cache's MAX_ENTRIES.
    pages = model.objects.published().exclude(slug__startswith="bench-article-").only("slug")
    urls += [page.get_absolute_url() for page in pages]
for url in urls:
    print("URL", url)
"""

SAVE_ONE = """
from conditions.models import Condition
condition = Condition.objects.get(slug="{slug}")
condition.overview += "<p>Saved by make bench.</p>"
condition.save()
"""


def cache_states(base, urls):
    states = {}
    for url in urls:
        with urllib.request.urlopen(base + url) as response:
            response.read()
            states[url] = response.headers.get("X-Page-Cache")
    return states


def manage(env, *args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def start_server(env, port):
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "clinic.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--no-control-socket", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def machine_busy(seconds=3):
    """The share of the machine's CPU time that processes used over `seconds` (from /proc/stat), and the share a
    hypervisor gave to other machines (steal); None where there is no /proc/stat."""

    def sample():
        with open("/proc/stat") as stat:
            user, nice, system, idle, iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
        return user + nice + system + irq + softirq, idle + iowait, steal

    try:
        before = sample()
        time.sleep(seconds)
        after = sample()
    except OSError:
        return None
    busy, idle, steal = (a - b for a, b in zip(after, before, strict=True))
    total = busy + idle + steal
    return (busy / total, steal / total) if total else None


def print_machine_load(when, measured):
    """A run measured beside other work reads low (this machine is shared): say so with the figures."""
    if measured is None:
        return
    busy, steal = measured
    warning = " Other work was running: the ratios read low; run make bench on an idle machine." if busy > 0.15 else ""
    print(f"{when}, with none of this run's processes working, the CPUs were {busy:.0%} busy "
          f"(and {steal:.0%} taken by other virtual machines).{warning}")  # fmt: skip


def wrk(url, script=None):
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "5s"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        if script:
            lua.write(script)
    if script:
        command += ["-s", lua.name]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    os.unlink(lua.name)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(output, "50%"),
        "p99": latency(output, "99%"),
        "errors": sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
        + int((re.search(r"Non-2xx or 3xx responses: (\d+)", output) or [0, 0])[1]),
    }


def latency(output, percentile):
    value, unit = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def bench_imports(env):
    """`import_citations` of a generated library: (seconds, CPU seconds, peak MB, exit status, file MB)."""
    manage(env, "shell", "-c", IMPORT_SETUP)
    with tempfile.TemporaryDirectory() as folder:
        library = Path(folder) / "library.bib"
        library.write_text(generated_bibtex(IMPORT_RECORDS))
        size = library.stat().st_size / 1024 / 1024
        command = [PYTHON, "manage.py", "import_citations", str(library), "--reviewer", "bench-reviewer"]
        output = subprocess.run(
            [PYTHON, "-c", MEASURE_CHILD.format(), *command], cwd=ROOT, env=env, check=True, text=True,
            capture_output=True,
        ).stdout  # fmt: skip
    seconds, cpu, peak_kb, code = re.search(r"IMPORT ([\d.]+) ([\d.]+) (\d+) (\d+)", output).groups()
    return float(seconds), float(cpu), int(peak_kb) / 1024, int(code), size


def print_imports(result):
    seconds, cpu, peak_mb, code, size = result
    print(
        f"\nimport_citations, {IMPORT_RECORDS:,} BibTeX records ({size:.1f} MB) into 10,000 articles, published: "
        f"{seconds:.1f} s ({IMPORT_RECORDS / seconds:,.0f} records/s; the command's own CPU time {cpu:.1f} s, "
        f"the database's not counted), peak memory {peak_mb:.0f} MB, exit {code}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--only", choices=["imports"], help="Run only this part (the site is set up either way).")
    only = parser.parse_args().only
    if not shutil.which("wrk") and only is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    # This run's page cache (CACHE_DIR) is shared by its processes.
    env = production_environment(DATABASE_URL=DATABASE, CACHE_DIR=tempfile.mkdtemp(prefix="clinic-bench-cache-"))
    name = DATABASE.rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], capture_output=True)
    print("Setting up: 1,000 conditions and 10,000 research articles on PostgreSQL ...", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo_content", "-v0")
    manage(env, "scale_demo_content", "--conditions", "1000")
    manage(env, "shell", "-c", SETUP_REVIEWER)
    manage(env, "shell", "-c", IMPORT_SETUP)  # a previous run's imported articles: the site has 10,000, not 17,000
    manage(env, "shell", "-c", SETUP_ARTICLES.format(articles=10_000 - 17))
    if only == "imports":
        print_imports(bench_imports(env))
        return 0
    manage(env, "collectstatic", "--no-input", "-v0")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The condition page's exact bytes, served by WhiteNoise as a static file: the upper limit.
    server = start_server(env, port)
    html = urllib.request.urlopen(base + CONDITION).read()
    server.terminate()
    server.wait(timeout=10)
    static_copy = ROOT / "staticfiles" / "bench" / "condition.html"
    static_copy.parent.mkdir(parents=True, exist_ok=True)
    static_copy.write_bytes(html)

    urls = {"condition": CONDITION, "A–Z index": "/conditions/", "home": "/", "search": "/search/?q=back+pain"}
    counts = dict(
        re.findall(r"QUERIES (\S+) (\d+)", manage({**env, "PAGE_CACHE_SECONDS": "0"}, "shell", "-c",
                                                   COUNT_QUERIES.format(urls=list(urls.values())), capture=True))
    )  # fmt: skip
    load_before = machine_busy()
    server = start_server(env, port)
    try:
        for path in (CONDITION, "/conditions/"):
            urllib.request.urlopen(base + path).read()  # warm the page cache
        results = {
            "static file (limit)": (wrk(f"{base}/static/bench/condition.html"), "-"),
            "condition, cache hit": (wrk(base + CONDITION), counts.get(CONDITION, "?")),
            "condition, cache miss": (
                wrk(base + UNCACHED_CONDITION, UNIQUE_QUERY_LUA.format(sep="?")),
                counts.get(CONDITION, "?"),
            ),  # fmt: skip
            "A–Z index, cache hit": (wrk(base + "/conditions/"), counts.get("/conditions/", "?")),
            # Addresses nobody asked for without a query string: every request renders (see UNCACHED_CONDITION).
            "A–Z index, cache miss": (
                wrk(base + "/conditions/?letter=L", UNIQUE_QUERY_LUA.format(sep="&")),
                counts.get("/conditions/", "?"),
            ),
            "home, cache miss": (wrk(base + "/", UNIQUE_QUERY_LUA.format(sep="?")), counts.get("/", "?")),
            "search, uncached": (wrk(base + "/search/", SEARCH_LUA), counts.get("/search/?q=back+pain", "?")),
        }
        # Targeted purges: every page of the site cached, one condition saved, how many of the others still hit.
        site = re.findall(r"URL (\S+)", manage(env, "shell", "-c", SITE_URLS, capture=True))
        cache_states(base, site)
        saved = "/conditions/post-laminectomy-syndrome/"
        manage(env, "shell", "-c", SAVE_ONE.format(slug=saved.split("/")[2]))
        after = cache_states(base, [url for url in site if url != saved])
        still_cached = sum(state == "hit" for state in after.values()) / len(after)
    finally:
        server.terminate()
        server.wait(timeout=10)
        static_copy.unlink(missing_ok=True)
    load_after = machine_busy()
    search_line = manage(env, "shell", "-c", SEARCH_LATENCY, capture=True).strip().splitlines()[-1]
    render_env = {**env, "PAGE_CACHE_SECONDS": "0"}
    rendered = manage(
        render_env, "shell", "-c", RENDER_LATENCY.format(urls=[CONDITION, "/conditions/", "/"]), capture=True
    )
    render = {url: (float(ms), int(size)) for url, ms, size in re.findall(r"RENDER (\S+) ([\d.]+) (\d+)", rendered)}
    calibration = float(re.search(r"CALIBRATION ([\d.]+)", rendered).group(1))
    breakdown = {key: float(ms) for key, ms in re.findall(r"(\w+)=([\d.]+)", re.search(r"BREAKDOWN (.*)", rendered)[1])}
    search_p95 = float(re.search(r"p95=([\d.]+)", search_line).group(1))

    limit = results["static file (limit)"][0]["rps"]
    print(f"\nmake bench — {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, gunicorn 2 workers, "
          f"wrk {CONNECTIONS} connections × {SECONDS} s, PostgreSQL")  # fmt: skip
    print_machine_load("Just before the wrk runs", load_before)
    print_machine_load("Just after them", load_after)
    print(f"{'target':<24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs static':>11}{'queries':>9}{'errors':>8}")
    for label, (result, queries) in results.items():
        print(
            f"{label:<24}{result['rps']:>10.0f}{result['p50']:>10.2f}{result['p99']:>10.2f}"
            f"{result['rps'] / limit:>10.1%}{queries!s:>9}{result['errors']:>8}"
        )
    print(f"\nSearch latency, in-process, 1,000 conditions + 10,000 articles: {search_line.removeprefix('SEARCH ')} ms")

    def rps(label):
        return results[label][0]["rps"]

    condition_miss = rps("condition, cache miss")
    aims = [
        ("condition page, cache hit vs static", f"{rps('condition, cache hit') / limit:.1%}", "≥ 50%"),
        ("condition page, uncached vs static", f"{condition_miss / limit:.1%}", "≥ 4%"),
        ("condition page, in-process render (p50)", f"{render[CONDITION][0]:.1f} ms", "≤ 4 ms"),
        ("condition page, SQL queries", f"{counts.get(CONDITION, '?')}", "≤ 4"),
        ("A–Z index / home HTML at 1,000 conditions",
         f"{render['/conditions/'][1] / 1024:.0f} KB / {render['/'][1] / 1024:.0f} KB", "< 60 KB each"),
        ("A–Z index / home uncached vs condition page",
         f"{rps('A–Z index, cache miss') / condition_miss:.2f}× / {rps('home, cache miss') / condition_miss:.2f}×",
         "≥ 1×"),
        ("search p95, in-process, 10,000 articles", f"{search_p95:.0f} ms", "< 50 ms"),
        ("other pages still cached after one save", f"{still_cached:.1%} of {len(after):,}", "≥ 99%"),
    ]  # fmt: skip
    print(
        f"\nThe CPU's speed during the in-process measurements: sum(range(10**6)) took {calibration:.0f} ms "
        f"(about {CALIBRATION_IDLE_MS} ms on an idle core of a current x86 server): read milliseconds as "
        f"{calibration / CALIBRATION_IDLE_MS:.1f}× what an idle machine would show."
    )
    rest = breakdown["total"] - breakdown["template"] - breakdown["sql"]
    print(
        f"The condition page's in-process render ({breakdown['total']:.1f} ms, medians of 200): its template "
        f"{breakdown['template']:.1f} ms, its SQL round trips {breakdown['sql']:.1f} ms, the rest (view, building "
        f"queries and rows, middleware) {rest:.1f} ms."
    )
    print(f"\n{'aim':<46}{'measured':>22}   target")
    for label, measured, target in aims:
        print(f"{label:<46}{measured:>22}   {target}")

    print_imports(bench_imports(env))
    return 1 if any(result["errors"] for result, _ in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
