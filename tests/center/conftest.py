"""The district center's tests: SQLite (the default database) and, beside it, PostgreSQL in
a throwaway cluster (the ``pg`` database), so storage and ingest run against both."""

from __future__ import annotations

import pytest

from tests.fixtures.center_db import DATABASES
from tests.fixtures.postgres import PostgresCluster


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None,
                                 postgres_cluster: PostgresCluster) -> None:
    """Adds the ``pg`` alias before pytest-django creates the test databases."""
    from django.conf import settings
    from django.db import connections

    database = postgres_cluster.create_database("center")
    settings.DATABASES["pg"] = {**database.django(), "TEST": {"NAME": "test_center"}}
    # Django reads DATABASES once, at the first connection; let it read them again.
    connections.__dict__.pop("settings", None)


@pytest.fixture(params=DATABASES)
def using(request: pytest.FixtureRequest) -> str:
    """Runs a test once against each database; the test passes the alias on."""
    return str(request.param)
