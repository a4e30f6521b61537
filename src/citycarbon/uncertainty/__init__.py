"""citycarbon.uncertainty (kernel; see docs)."""
