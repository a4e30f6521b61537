"""Tests of the ``citycarbon`` command."""
