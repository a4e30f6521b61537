"""Target sets (a plan's intensity targets decomposed over jurisdictions, its indicators and
scoring checklist) and the yearly assessment computed by ``citycarbon.targets`` from the stored
statistics, with the city dashboard, the jurisdiction page and the assessment report."""
