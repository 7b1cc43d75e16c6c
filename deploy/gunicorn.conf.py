"""gunicorn for Clinic CMS in production (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py clinic.wsgi`.

Every value can be changed from the environment. PostgreSQL connections: workers x threads at most (each worker's
psycopg pool holds up to DB_POOL_MAX_SIZE; set it to the thread count), so keep workers x threads x app servers
under PostgreSQL's max_connections.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx in front, on the same machine
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "gthread"  # threads keep idle keep-alive connections cheap
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = True  # one import of Django, shared copy-on-write; database pools open lazily in each worker

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a stuck worker is replaced; requests last milliseconds
graceful_timeout = 20  # on restart, requests in flight finish first
keepalive = 5
# No periodic recycling by default. With max_requests = 5000 a worker restarted every few seconds under load, and the
# keep-alive connections it dropped piled onto the other workers: half the capacity (879 against 1,778 req/s). The
# app holds no growing state (caches live in Redis or files). To bound memory anyway, recycle rarely and staggered,
# e.g. GUNICORN_MAX_REQUESTS=100000 (jitter: a tenth of it): `make faulttest` measures the cost.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10

# The request log is the app's own (one JSON line per request on stdout, with its request id); gunicorn only
# reports its own events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# nginx on this machine sets X-Forwarded-Proto; Django trusts it through SECURE_PROXY_SSL_HEADER.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No runtime control socket in ~/.gunicorn (gunicorn 27 opens one by default).
control_socket_disable = True
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
