"""citycarbon.targets (kernel; see docs)."""
