"""A short constructor for the parameters of the industrial-process categories."""

from __future__ import annotations

from citycarbon.inventory.model import Default, Param, ParamKind

__all__ = ["param"]


def param(
    name: str,
    kind: ParamKind,
    en: str,
    zh: str,
    unit: tuple[str, ...] = (),
    *,
    default: tuple[str, tuple[str, ...]] | None = None,
    required: bool = True,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    choices: tuple[str, ...] = (),
    fallback: float | None = None,
    pct: float | None = None,
) -> Param:
    """A :class:`Param`; ``default`` is ``(library parameter, subject templates)`` and a
    fraction is at most 1 unless a maximum is given."""
    if kind == "fraction" and maximum is None:
        maximum = 1.0
    return Param(
        name,
        kind,
        en,
        zh,
        unit=unit,
        default=Default(default[0], default[1]) if default else None,
        required=required,
        minimum=minimum,
        maximum=maximum,
        choices=choices,
        fallback=fallback,
        uncertainty_pct=pct,
    )
