"""Read replicas: anonymous page views read from the replica; writes, staff, forms and commands use the primary."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from clinic import db_routers
from clinic.db_routers import PrimaryReplicaRouter, ReplicaMiddleware, replica_reads
from conditions.models import Condition

from ..servers import settings_in_subprocess

router = PrimaryReplicaRouter()


@pytest.fixture(autouse=True)
def with_a_replica(monkeypatch):
    monkeypatch.setattr(
        db_routers,
        "settings",
        SimpleNamespace(DATABASES={"default": {}, "replica": {}}, SESSION_COOKIE_NAME="sessionid", ADMIN_URL="admin/"),
    )


def database_read_by(request):
    """The database a view handling `request` would read Condition rows from."""
    seen = []
    ReplicaMiddleware(lambda request: seen.append(router.db_for_read(Condition)))(request)
    return seen[0]


def test_anonymous_page_views_read_from_the_replica():
    assert database_read_by(RequestFactory().get("/conditions/sciatica/")) == "replica"
    assert database_read_by(RequestFactory().head("/")) == "replica"


@pytest.mark.parametrize(
    "request_",
    [
        RequestFactory().post("/search/"),
        RequestFactory().get("/admin/conditions/condition/"),
        RequestFactory().get("/ckeditor5/image_upload/"),
        RequestFactory().get("/readyz"),
        RequestFactory(headers={"Cookie": "sessionid=abc"}).get("/conditions/"),
    ],
    ids=["form post", "admin", "editor upload", "readiness", "logged in"],
)
def test_everything_else_reads_from_the_primary(request_):
    assert database_read_by(request_) == "default"


def test_after_a_write_the_rest_of_the_request_reads_the_primary():
    with replica_reads():
        assert router.db_for_read(Condition) == "replica"
        assert router.db_for_write(Condition) == "default"
        assert router.db_for_read(Condition) == "default"
    with replica_reads():
        assert router.db_for_read(Condition) == "replica", "the next request starts afresh"


def test_outside_a_request_everything_uses_the_primary():
    assert router.db_for_read(Condition) == "default"  # management commands, migrations, shells


def test_without_a_replica_everything_uses_the_primary(monkeypatch):
    monkeypatch.setattr(db_routers.settings, "DATABASES", {"default": {}})
    with replica_reads():
        assert router.db_for_read(Condition) == "default"


def test_only_the_primary_is_migrated_and_rows_of_both_may_relate():
    assert router.allow_migrate("default", "conditions") is True
    assert router.allow_migrate("replica", "conditions") is False
    primary, replica = Condition(), Condition()
    primary._state.db, replica._state.db = "default", "replica"
    assert router.allow_relation(primary, replica) is True


def test_setting_a_replica_url_turns_the_router_on():
    values = settings_in_subprocess(
        ["DATABASES", "DATABASE_ROUTERS", "MIDDLEWARE"],
        DATABASE_URL="postgres://app@primary.internal:5432/clinic",
        DATABASE_REPLICA_URL="postgres://app@replica.internal:5432/clinic",
    )
    replica = values["DATABASES"]["replica"]
    assert replica["HOST"] == "replica.internal" and replica["TEST"]["MIRROR"] == "default"
    assert replica["OPTIONS"]["options"] == (
        "-c statement_timeout=5000 -c lock_timeout=2000 -c plan_cache_mode=force_custom_plan"
    )
    assert "pool" in replica["OPTIONS"] and "pool" in values["DATABASES"]["default"]["OPTIONS"]
    assert values["DATABASE_ROUTERS"] == ["clinic.db_routers.PrimaryReplicaRouter"]
    assert "clinic.db_routers.ReplicaMiddleware" in values["MIDDLEWARE"]

    without = settings_in_subprocess(["DATABASES", "DATABASE_ROUTERS"])
    assert "replica" not in without["DATABASES"] and without["DATABASE_ROUTERS"] == []
