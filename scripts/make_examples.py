"""Write the YAML and Excel forms of the shipped example reports from their JSON.

Usage (from the repository root)::

    .venv/bin/python scripts/make_examples.py [examples/enterprise_reports.json ...]

The JSON file is the one people edit. For each JSON file given (by default
``examples/enterprise_reports.json``) this writes ``.yaml`` and ``.xlsx`` files of the same name
beside it, the workbook being the ``citycarbon template enterprise`` template filled in, and then
checks that all three read back as the same reports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from citycarbon.accounting.interchange import read_reports
from citycarbon.accounting.workbook import write_template

DEFAULT = Path("examples/enterprise_reports.json")


def convert(source: Path) -> list[Path]:
    """Write ``source``'s YAML and Excel forms; return their paths."""
    data = json.loads(source.read_text("utf-8"))
    items = read_reports(source)
    refused = [item for item in items if item.report is None]
    if refused:
        problems = "; ".join(str(error) for item in refused for error in item.errors)
        raise SystemExit(f"{source}: refused while reading: {problems}")
    yaml_path = source.with_suffix(".yaml")
    header = f"# Generated from {source.name} by scripts/make_examples.py; edit the JSON.\n"
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    yaml_path.write_text(header + body, "utf-8")
    excel_path = source.with_suffix(".xlsx")
    write_template(excel_path, [item.report for item in items if item.report is not None])
    expected = [item.report for item in items]
    for path in (yaml_path, excel_path):
        if [item.report for item in read_reports(path)] != expected:
            raise SystemExit(f"{path} does not read back as {source}")
    return [yaml_path, excel_path]


def main(argv: list[str]) -> None:
    """Convert every JSON file named in ``argv`` (default: the shipped example)."""
    for source in [Path(a) for a in argv] or [DEFAULT]:
        for path in convert(source):
            print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
