#!/usr/bin/env bash
# `make serve`: the production server on http://127.0.0.1:8000, to see production behaviour locally: gunicorn
# (deploy/gunicorn.conf.py), production settings (DEBUG off, security headers, page cache, JSON logs), static
# files collected and served by WhiteNoise. Plain HTTP on loopback, so no HTTPS redirect; the rest as deployed.
# SQLite unless DATABASE_URL says otherwise; a fresh SECRET_KEY per start unless one is set.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

export DJANGO_SETTINGS_MODULE=clinic.settings.prod
export SECRET_KEY=${SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')}
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export TRUSTED_PROXY_COUNT=${TRUSTED_PROXY_COUNT:-0}   # no nginx in front: browsers connect to gunicorn directly
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:8000}
export GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}

LOG_LEVEL=WARNING "$PY" manage.py migrate --no-input
LOG_LEVEL=WARNING "$PY" manage.py load_demo_content
LOG_LEVEL=WARNING "$PY" manage.py collectstatic --no-input -v0
echo "Serving http://$GUNICORN_BIND/ with production settings (Ctrl-C stops)"
exec "$PY" -m gunicorn -c deploy/gunicorn.conf.py clinic.wsgi
