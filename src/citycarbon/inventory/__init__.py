"""citycarbon.inventory (kernel; see docs)."""
