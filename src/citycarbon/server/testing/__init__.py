"""A tiny app installed only by the test settings: a concrete versioned record (``Specimen``)
scoped by jurisdiction, with API endpoints, so the common lifecycle, scoping and permission
rules are exercised end to end before the domain apps use them. Never installed in a
deployment (``config.settings_test`` adds it)."""
