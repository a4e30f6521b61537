from __future__ import annotations

from django.apps import AppConfig


class TestingConfig(AppConfig):
    name = "citycarbon.server.testing"
    label = "testing"
    verbose_name = "Testing"
