"""Migrations: none missing, and the project's own apps migrate down to zero and back up again.

The round trip runs in subprocesses against a database of its own (a temp SQLite file; with a PostgreSQL
DATABASE_URL also a fresh database on that server), so the test database of this run is never touched.
"""

import io
import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.core.management import call_command

from ..servers import clean_environment, manage

PROJECT_APPS = ["conditions", "accounts"]


@pytest.mark.django_db
def test_no_migrations_are_missing():
    output = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=output, stderr=output)
    except SystemExit:
        pytest.fail(f"Model changes without a migration:\n{output.getvalue()}")


def migrate_down_and_up(database_url):
    env = clean_environment(
        DJANGO_SETTINGS_MODULE="clinic.settings.test", DATABASE_URL=database_url, LOG_LEVEL="WARNING"
    )
    manage("migrate", "--no-input", env=env)
    manage("load_demo_content", env=env)  # data in the tables makes the way down realistic
    for app in PROJECT_APPS:
        manage("migrate", app, "zero", "--no-input", env=env)
    manage("migrate", "--no-input", env=env)
    plan = manage("migrate", "--plan", env=env).stdout
    assert "No planned migration operations" in plan


def test_project_migrations_reverse_to_zero_and_apply_again_on_sqlite(tmp_path):
    migrate_down_and_up(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")


@pytest.fixture
def scratch_postgres_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("DATABASE_URL is not PostgreSQL")
    parts = urlsplit(url)
    name = f"clinic_migrations_{uuid.uuid4().hex[:12]}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_project_migrations_reverse_to_zero_and_apply_again_on_postgresql(scratch_postgres_database):
    migrate_down_and_up(scratch_postgres_database)
