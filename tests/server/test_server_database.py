"""The suite runs on the database it was asked for (``make test`` runs it on both)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_backend_is_the_requested_one() -> None:
    wanted = "postgresql" if os.environ.get("CITYCARBON_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == wanted
