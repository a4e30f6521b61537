"""Yearly statistics of each jurisdiction: GDP, CO2 (supplied, or from fuels and electricity),
energy, the measures checklist and the plan indicators — the figures the targets assessment
reads. Versioned records (draft → submitted → approved → published), entered in forms or
imported from the same Excel workbook as ``citycarbon template targets``."""
