#!/usr/bin/env bash
# `make loadtest`: the production stack under load, on this machine only (loopback), bounded in time.
#
# gunicorn with the production config (deploy/gunicorn.conf.py, as `make serve` and systemd run it) and production
# settings on 127.0.0.1:LOADTEST_PORT, PostgreSQL database clinic_loadtest holding the demo clinic scaled to 1,000
# conditions; every URL is requested once first (the page cache warm, as on a site that has been up for a while),
# then wrk cycles through the public URLs (home, indexes, every treatment and article, hundreds of condition pages,
# searches, sitemap, one intended 404) for LOADTEST_SECONDS (60) at LOADTEST_CONNECTIONS (64). Prints requests/s,
# p50/p99 and the error counts; exits 1 on any socket error or any non-2xx other than the intended 404. gunicorn is
# stopped on exit, whatever happens.
#
# Settings: LOADTEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/clinic_loadtest), LOADTEST_PORT (8000),
# LOADTEST_SECONDS, LOADTEST_CONNECTIONS, LOADTEST_THREADS (wrk, 2), LOADTEST_CONDITIONS (1000), LOADTEST_REDIS_URL
# (redis://127.0.0.1:6379/0 when it answers: the page cache shared by the workers, as in production; "none" uses the
# default file cache, in this run's temp folder). gunicorn's own settings come from the environment as in production
# (GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_MAX_REQUESTS...: see deploy/gunicorn.conf.py).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
DURATION=${LOADTEST_SECONDS:-60}
CONNECTIONS=${LOADTEST_CONNECTIONS:-64}
THREADS=${LOADTEST_THREADS:-2}
CONDITIONS=${LOADTEST_CONDITIONS:-1000}
PORT=${LOADTEST_PORT:-8000}
export GUNICORN_THREADS=${GUNICORN_THREADS:-4}
export GUNICORN_BIND=127.0.0.1:$PORT
DATABASE=${LOADTEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/clinic_loadtest}
NOT_FOUND=/conditions/this-page-does-not-exist/

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk" >&2; exit 2; }
case "$DATABASE" in
  postgres://*|postgresql://*) ;;
  *) echo "LOADTEST_DATABASE_URL must be a PostgreSQL URL" >&2; exit 2 ;;
esac

WORK=$(mktemp -d -t clinic-loadtest-XXXXXX)
GUNICORN_PID=
KEEP_WORK=${LOADTEST_KEEP_LOGS:-0}
cleanup() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  if [ -n "${CACHE_KEY_PREFIX:-}" ]; then  # the generation key never expires: remove what this run stored
    "$PY" -c 'import sys, redis
r = redis.Redis.from_url(sys.argv[1])
for key in r.scan_iter(sys.argv[2] + ":*"): r.delete(key)' "$REDIS_URL" "$CACHE_KEY_PREFIX" 2>/dev/null || true
  fi
  if [ "$KEEP_WORK" = 1 ]; then echo "logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

export DJANGO_SETTINGS_MODULE=clinic.settings.prod
export SECRET_KEY=${LOADTEST_SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DATABASE_URL=$DATABASE
export SECURE_SSL_REDIRECT=0            # plain HTTP on loopback; production sits behind TLS
export ALLOWED_HOSTS=127.0.0.1
export DB_POOL_MAX_SIZE=$GUNICORN_THREADS  # one connection per gunicorn thread is all a worker can use
export LOG_LEVEL=WARNING                  # management commands below; gunicorn logs every request (INFO)
REDIS=${LOADTEST_REDIS_URL:-redis://127.0.0.1:6379/0}
if [ "$REDIS" != none ] && "$PY" -c 'import sys, redis; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1).ping()' \
    "$REDIS" 2>/dev/null; then
  export REDIS_URL=$REDIS CACHE_KEY_PREFIX=clinic-loadtest-$$  # a prefix of its own: nothing else is touched
  echo "== Page cache in Redis ($REDIS, prefix $CACHE_KEY_PREFIX)"
else
  export CACHE_DIR=$WORK/cache
  echo "== Page cache in files shared by the workers ($CACHE_DIR, no Redis)"
fi

echo "== Database $(echo "$DATABASE" | sed 's#//[^@]*@#//#')"
"$PY" - <<'PYTHON'
import os
from urllib.parse import urlsplit, urlunsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        connection.execute(f'CREATE DATABASE "{name}"')
        print(f"created database {name}")
PYTHON
"$PY" manage.py migrate --no-input -v0
"$PY" manage.py load_demo_content
"$PY" manage.py scale_demo_content --conditions "$CONDITIONS"
"$PY" manage.py collectstatic --no-input -v0

echo "== URLs"
URLS=$WORK/urls.txt
LOADTEST_NOT_FOUND=$NOT_FOUND "$PY" manage.py shell -v0 -c '
import os
from conditions.models import Condition, ResearchArticle, Treatment
from django.conf import settings
paths = ["/", "/conditions/", "/conditions/?region=low-back", "/conditions/?region=neck", "/treatments/",
         "/research/", "/research/?year=2014", "/sitemap.xml", "/robots.txt",
         "/search/?q=back+pain", "/search/?q=sciatica", "/search/?q=spinal+cord+stimulation", "/search/?q=injection"]
if ResearchArticle.objects.published().count() > settings.RESEARCH_PAGE_SIZE:
    paths.append("/research/?page=2")
conditions = list(Condition.objects.published().order_by("pk").values_list("slug", flat=True))
paths += [f"/conditions/{slug}/" for slug in conditions[:: max(1, len(conditions) // 300)]]
paths += [t.get_absolute_url() for t in Treatment.objects.published()]
paths += [a.get_absolute_url() for a in ResearchArticle.objects.published()]
paths.append(os.environ["LOADTEST_NOT_FOUND"])
print("\n".join(paths))
' | grep '^/' > "$URLS"
echo "$(wc -l < "$URLS") URLs ($NOT_FOUND is the intended 404)"

if curl -s -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
  echo "Port $PORT is in use: set LOADTEST_PORT" >&2; exit 2
fi
LOG=$WORK/gunicorn.log
echo "== gunicorn -c deploy/gunicorn.conf.py on $GUNICORN_BIND (log: $LOG)"
LOG_LEVEL=INFO "$PY" -m gunicorn -c deploy/gunicorn.conf.py clinic.wsgi >"$LOG" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/readyz" 2>/dev/null && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || { KEEP_WORK=1; tail -n 30 "$LOG" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$PORT/readyz"; echo
echo "$(grep -c 'Booting worker' "$LOG") workers, $GUNICORN_THREADS threads each"

echo "== Warming the page cache (every URL once)"
sed "s#^#http://127.0.0.1:$PORT#" "$URLS" | xargs -P 4 -I{} curl -s -o /dev/null {}

echo "== wrk: ${DURATION}s, $CONNECTIONS connections, $THREADS threads"
SUMMARY=$WORK/summary.txt
LOADTEST_URLS=$URLS LOADTEST_SUMMARY=$SUMMARY LOADTEST_NOT_FOUND=$NOT_FOUND \
  timeout $((DURATION + 60)) wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "${DURATION}s" \
  --timeout 10s --script scripts/loadtest.lua "http://127.0.0.1:$PORT"

# shellcheck disable=SC1090
. "$SUMMARY"
server_errors=$(grep -c '"status": 5[0-9][0-9]' "$LOG" || true)
echo "server log:       $server_errors responses with a 5xx status"

if [ "$unexpected" -ne 0 ] || [ "$socket_errors" -ne 0 ] || [ "$server_errors" -ne 0 ]; then
  KEEP_WORK=1
  echo "LOAD TEST FAILED: $unexpected unexpected non-2xx, $socket_errors socket errors, $server_errors 5xx logged" >&2
  exit 1
fi
echo "LOAD TEST PASSED: $requests requests, $rps requests/s, p50 ${p50_ms} ms, p99 ${p99_ms} ms, zero errors"
