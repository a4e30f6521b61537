"""citycarbon.keycategories (kernel; see docs)."""
