"""Shipped data: jurisdiction sets (tree, annex, plan-wide indicators), checklists, the default
configuration and the illustrative example statistics.

Files live in ``citycarbon/targets/data``: ``sets/<id>.yaml``, ``checklists/<id>.yaml``,
``defaults.yaml`` and ``examples/*.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from citycarbon.targets.model import (
    AssessmentConfig,
    ChecklistItem,
    GradeBand,
    Node,
    PlanIndicator,
    ProjectionConfig,
    ScoringConfig,
    Tree,
    VerdictConfig,
    WarningConfig,
)

__all__ = [
    "AnnexRow",
    "CatalogueError",
    "JurisdictionSet",
    "available_sets",
    "checklist",
    "config_from_mapping",
    "default_config",
    "example",
    "examples",
    "jurisdiction_set",
    "plan_indicators",
    "tree_from_rows",
]


class CatalogueError(LookupError):
    """An unknown set, checklist or example, or a malformed shipped file."""


@dataclass(frozen=True, slots=True)
class AnnexRow:
    """A row of a target-decomposition annex."""

    jurisdiction: str
    annex_name: str
    co2_intensity_target_pct: float
    energy_intensity_target_pct: float | None


@dataclass(frozen=True)
class JurisdictionSet:
    """A plan's jurisdictions: tree, annex of targets and plan-wide indicators."""

    id: str
    name: str
    name_en: str
    document: str
    issued: str
    issuer: str
    lead_office: str
    base_year: int
    target_year: int
    annex_title: str
    annex_columns: Mapping[str, str]
    annex: tuple[AnnexRow, ...]
    tree: Tree
    indicators: tuple[PlanIndicator, ...]
    not_in_annex: tuple[Mapping[str, str], ...]

    def as_dict(self) -> dict[str, Any]:
        """The set as plain data (for ``--json``)."""
        return {
            "id": self.id,
            "name": self.name,
            "name_en": self.name_en,
            "document": self.document,
            "issued": self.issued,
            "issuer": self.issuer,
            "lead_office": self.lead_office,
            "base_year": self.base_year,
            "target_year": self.target_year,
            "annex": {
                "title": self.annex_title,
                "columns": dict(self.annex_columns),
                "rows": [
                    {
                        "jurisdiction": row.jurisdiction,
                        "annex_name": row.annex_name,
                        "co2_intensity_target_pct": row.co2_intensity_target_pct,
                        "energy_intensity_target_pct": row.energy_intensity_target_pct,
                    }
                    for row in self.annex
                ],
            },
            "tree": [
                {
                    "id": n.id,
                    "name": n.name,
                    "name_en": n.name_en,
                    "kind": n.kind,
                    "parent": n.parent,
                }
                for n in self.tree
            ],
            "not_in_annex": [dict(x) for x in self.not_in_annex],
            "indicators": [i.as_dict() for i in self.indicators],
        }


def _data() -> Any:
    return resources.files("citycarbon.targets") / "data"


def _load_yaml(*parts: str) -> Any:
    entry = _data()
    for part in parts:
        entry = entry / part
    if not entry.is_file():
        raise CatalogueError(f"no shipped file {'/'.join(parts)}")
    return yaml.safe_load(entry.read_text(encoding="utf-8"))


def _names(folder: str, suffix: str) -> tuple[str, ...]:
    return tuple(
        sorted(
            entry.name[: -len(suffix)]
            for entry in (_data() / folder).iterdir()
            if entry.name.endswith(suffix)
        )
    )


def available_sets() -> tuple[str, ...]:
    """Ids of the shipped jurisdiction sets."""
    return _names("sets", ".yaml")


def tree_from_rows(rows: list[Mapping[str, Any]]) -> Tree:
    """A :class:`Tree` from rows with ``id``, ``name``, ``parent``, ``kind``, ``name_en``."""
    return Tree(
        tuple(
            Node(
                id=str(row["id"]),
                name=str(row.get("name", row["id"])),
                parent=None if row.get("parent") in (None, "") else str(row["parent"]),
                kind=str(row.get("kind", "") or ""),
                name_en=str(row.get("name_en", "") or ""),
            )
            for row in rows
        )
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def plan_indicators(rows: list[Mapping[str, Any]]) -> tuple[PlanIndicator, ...]:
    """Plan-wide indicators from plain rows (as in a set file or an input's ``indicators``)."""
    result = []
    for row in rows:
        result.append(
            PlanIndicator(
                id=str(row["id"]),
                name=str(row.get("name", row["id"])),
                name_en=str(row.get("name_en", "") or ""),
                unit=str(row.get("unit", "")),
                direction=str(row["direction"]),
                baseline=_optional_float(row.get("baseline")),
                baseline_year=None
                if row.get("baseline_year") is None
                else int(row["baseline_year"]),
                target=_optional_float(row.get("target")),
                target_year=None if row.get("target_year") is None else int(row["target_year"]),
                responsible_department=str(row.get("responsible_department", "") or ""),
                clause=str(row.get("clause", "") or ""),
                computed_from=row.get("computed_from"),
                plan_text=str(row.get("plan_text", "") or ""),
                note=str(row.get("note", "") or ""),
            )
        )
    return tuple(result)


@cache
def jurisdiction_set(set_id: str) -> JurisdictionSet:
    """The shipped jurisdiction set ``set_id`` (e.g. ``"zhengzhou"``)."""
    if set_id not in available_sets():
        known = ", ".join(available_sets())
        raise CatalogueError(f"no jurisdiction set {set_id!r}; shipped: {known}")
    raw = _load_yaml("sets", f"{set_id}.yaml")
    annex = raw["annex"]
    return JurisdictionSet(
        id=raw["id"],
        name=raw["name"],
        name_en=raw.get("name_en", ""),
        document=raw.get("document", ""),
        issued=str(raw.get("issued", "")),
        issuer=raw.get("issuer", ""),
        lead_office=raw.get("lead_office", ""),
        base_year=int(raw["base_year"]),
        target_year=int(raw["target_year"]),
        annex_title=annex["title"],
        annex_columns=dict(annex["columns"]),
        annex=tuple(
            AnnexRow(
                jurisdiction=row["jurisdiction"],
                annex_name=row["annex_name"],
                co2_intensity_target_pct=float(row["co2_intensity_target_pct"]),
                energy_intensity_target_pct=_optional_float(row.get("energy_intensity_target_pct")),
            )
            for row in annex["rows"]
        ),
        tree=tree_from_rows(raw["tree"]),
        indicators=plan_indicators(raw.get("indicators", [])),
        not_in_annex=tuple(raw.get("not_in_annex", [])),
    )


@cache
def checklist(checklist_id: str) -> tuple[ChecklistItem, ...]:
    """The shipped checklist ``checklist_id`` (``"ndrc2014-default"``)."""
    if checklist_id not in _names("checklists", ".yaml"):
        raise CatalogueError(f"no checklist {checklist_id!r}")
    raw = _load_yaml("checklists", f"{checklist_id}.yaml")
    items = checklist_items(raw["items"])
    total = sum(item.points for item in items)
    if abs(total - float(raw["total_points"])) > 1e-9:
        raise CatalogueError(
            f"checklist {checklist_id}: items add up to {total}, not {raw['total_points']}"
        )
    return items


def checklist_items(rows: list[Mapping[str, Any]]) -> tuple[ChecklistItem, ...]:
    """Checklist items from plain rows."""
    return tuple(
        ChecklistItem(
            id=str(row["id"]),
            name=str(row.get("name", row["id"])),
            name_en=str(row.get("name_en", "") or ""),
            part=str(row.get("part", "") or ""),
            points=float(row["points"]),
            clauses=tuple(str(c) for c in row.get("clauses", ()) or ()),
            description=str(row.get("description", "") or ""),
        )
        for row in rows
    )


def config_from_mapping(
    raw: Mapping[str, Any], base: AssessmentConfig | None = None
) -> AssessmentConfig:
    """An :class:`AssessmentConfig` from plain data, each section overriding ``base``'s.

    Raises :class:`KeyError`, :class:`TypeError` or :class:`ValueError` on malformed data (the
    input parser turns them into named problems).
    """
    base = base or AssessmentConfig()
    warning = base.warning
    if "warning" in raw:
        warning = WarningConfig(**{**_fields(base.warning), **_numbers(raw["warning"])})
    scoring = base.scoring
    if "scoring" in raw:
        section = dict(raw["scoring"])
        grades = base.scoring.grades
        if "grades" in section:
            grades = tuple(
                GradeBand(str(g["grade"]), float(g["min_score"])) for g in section.pop("grades")
            )
            grades = tuple(sorted(grades, key=lambda g: -g.min_score))
        failing = str(section.pop("failing_grade", base.scoring.failing_grade))
        numbers = {**_fields(base.scoring), **_numbers(section)}
        numbers.pop("grades", None)
        numbers.pop("failing_grade", None)
        scoring = ScoringConfig(**numbers, grades=grades, failing_grade=failing)
    verdict = base.verdict
    if "verdict" in raw:
        verdict = VerdictConfig(**{**_fields(base.verdict), **_numbers(raw["verdict"])})
    projection = base.projection
    if "projection" in raw:
        values = {**_fields(base.projection), **_numbers(raw["projection"])}
        values["draws"] = int(values["draws"])
        values["seed"] = int(values["seed"])
        projection = ProjectionConfig(**values)
    items = base.checklist
    if "checklist" in raw:
        spec = raw["checklist"]
        items = checklist(spec) if isinstance(spec, str) else checklist_items(list(spec))
    return AssessmentConfig(
        warning=warning, scoring=scoring, verdict=verdict, projection=projection, checklist=items
    )


def _fields(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}


def _numbers(section: Mapping[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in dict(section).items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{key} must be a number, not {value!r}")
        out[str(key)] = float(value)
    return out


@cache
def default_config() -> AssessmentConfig:
    """The shipped default configuration (``data/defaults.yaml``) with its checklist."""
    return config_from_mapping(_load_yaml("defaults.yaml"))


def examples() -> tuple[str, ...]:
    """Names of the shipped example inputs."""
    return _names("examples", ".json")


def example(name: str) -> dict[str, Any]:
    """The shipped example input ``name`` as plain data (a fresh copy)."""
    if name not in examples():
        raise CatalogueError(f"no example {name!r}; shipped: {', '.join(examples())}")
    text = (_data() / "examples" / f"{name}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
