"""The Chinese message catalogue is complete and compiled from its source."""

from __future__ import annotations

import gettext
import shutil
import subprocess
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
