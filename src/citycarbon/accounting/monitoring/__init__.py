"""Enterprise monitoring (MRV kernel): monitoring plans, monthly ledgers, checks, annual reports.

Pure functions over plain objects, for the server's ``mrv`` app and the command line:

* :mod:`.plan` — the monitoring plan (source streams, how each parameter is determined) and its
  validation against the sector guideline;
* :mod:`.ledger` — the monthly ledger's rows;
* :mod:`.checks` — one validator per check, configured by data (:mod:`.config`,
  ``data/monitoring/checks.yaml`` and ``ranges.csv``), returning :class:`.findings.Finding`
  records (errors block, warnings need an acknowledgement);
* :mod:`.annual` — the annual report: the accounting kernel's input built from the plan and the
  ledger, computed by :func:`citycarbon.accounting.compute_report`, each figure with its
  derivation;
* :mod:`.columns`, :mod:`.screening`, :mod:`.recompute` — the vectorised paths: screening checks
  over many enterprises, recomputing many annual reports through :mod:`citycarbon.accounting.bulk`;
* :mod:`.document`, :mod:`.workbook`, :mod:`.template` — JSON/YAML documents; the Excel template
  (reading, writing).
* :mod:`.export` — an annual report as an enterprise interchange document (JSON, YAML, the
  Excel template) that ``citycarbon calc enterprise`` computes to the report's figures.

See ``docs/mrv.md``.
"""

from citycarbon.accounting.monitoring.annual import (
    AnnualReport,
    Derivation,
    Part,
    annual_report,
    build_report,
    check_enterprise,
)
from citycarbon.accounting.monitoring.checks import PeerDistribution, run_checks
from citycarbon.accounting.monitoring.config import CheckConfig, RangeTable, default_config
from citycarbon.accounting.monitoring.findings import MESSAGES, Finding
from citycarbon.accounting.monitoring.ledger import LedgerRow
from citycarbon.accounting.monitoring.plan import (
    CompiledPlan,
    Facility,
    MonitoringPlan,
    ParameterPlan,
    SourceStream,
    compile_plan,
    validate_plan,
)

__all__ = [
    "MESSAGES",
    "AnnualReport",
    "CheckConfig",
    "CompiledPlan",
    "Derivation",
    "Facility",
    "Finding",
    "LedgerRow",
    "MonitoringPlan",
    "ParameterPlan",
    "Part",
    "PeerDistribution",
    "RangeTable",
    "SourceStream",
    "annual_report",
    "build_report",
    "check_enterprise",
    "compile_plan",
    "default_config",
    "run_checks",
    "validate_plan",
]
