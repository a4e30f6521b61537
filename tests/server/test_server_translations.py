"""The Chinese message catalogue is complete and compiled from its source."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src/citycarbon/server/locale/zh_Hans/LC_MESSAGES"


def _catalog(mo: Path) -> dict[object, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def test_every_message_is_translated() -> None:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    catalog = _catalog(LOCALE / "django.mo")
    empty = [key for key, value in catalog.items() if key and not value]
    assert empty == []
    assert catalog["Jurisdictions"] == "辖区"
    assert catalog[("%(counter)s jurisdiction", 0)] == "%(counter)s 个辖区"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(LOCALE / "django.po")], check=True)
    assert _catalog(fresh) == _catalog(LOCALE / "django.mo")


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [
        ("count", "个", ""),  # a count reads as a bare number in English
        ("10^4 tce", "万吨标准煤", "10⁴ tce"),
        ("tce", "吨标准煤", "tce"),
        ("%", "%", "%"),
        ("tCO2/MWh", "tCO2/MWh", "tCO2/MWh"),  # not listed: as written
        ("", "", ""),
    ],
)
def test_units_are_shown_in_the_active_language(unit: str, zh: str, en: str) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from citycarbon.server.common.choices import unit_label

    template = Template("{% load citycarbon %}{{ unit|unit_label }}")
    with translation.override("zh-hans"):
        assert unit_label(unit) == zh
        assert template.render(Context({"unit": unit})) == zh
    with translation.override("en"):
        assert unit_label(unit) == en


def test_figures_and_states_are_shown_in_the_active_language() -> None:
    from django.utils import translation

    from citycarbon.server.common.templatetags.citycarbon import figure, state_label

    with translation.override("zh-hans"):  # Django's zh-Hans: no thousands separator
        assert [figure(v) for v in (483.9, 94_198_000.0, 0.123456, None)] == [
            "483.9", "94198000", "0.1235", "—",
        ]  # fmt: skip
        assert str(state_label("published")) == "已发布"
    with translation.override("en"):
        assert [figure(v) for v in (483.9, 94_198_000.0, 7315.2)] == [
            "483.9", "94,198,000", "7,315.2",
        ]  # fmt: skip
        assert str(state_label("published")) == "Published"
        assert state_label("unknown") == "unknown"
        # Exact figures round half-up by the one policy, never through a float: 2.675 is
        # 2.67499… as a float, 0.125 would go to even; a 34-digit Decimal keeps its digits.
        assert figure(Decimal("2.675"), 2) == "2.68"
        assert figure(Decimal("0.125"), 2) == "0.13"
        assert figure(Decimal("12345678901234567.125"), 2) == "12,345,678,901,234,567.13"
        assert figure(Decimal("2575300.1999999999999999999999664456"), 2) == "2,575,300.2"
        assert figure("bituminous_coal") == "bituminous_coal"
