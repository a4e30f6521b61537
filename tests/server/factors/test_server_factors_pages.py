"""What the factor pages show: the rows with their sources and verification statuses, filtered;
a row in every version; the comparison with old and new values; editing a draft's row from the
page; and the Excel exports of every table."""

from __future__ import annotations

import io
from typing import Any

import pytest
from factors_support import LOCAL_GRID
from openpyxl import load_workbook

from citycarbon.factors import default_library
from citycarbon.server.common import services as common
from citycarbon.server.factors import services
from citycarbon.server.factors.models import FactorRow

pytestmark = pytest.mark.django_db


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def test_browse_filtered_with_sources_and_statuses(builtin, client_for) -> None:
    client = client_for("anonymous")
    html = client.get(f"/factors/{builtin.pk}/?kind=grid_average&status=C-3").content.decode()
    # The six 2012 regional averages are the C-3 grid averages (docs/factors.md).
    for region in ("north", "northeast", "east", "central", "northwest", "south"):
        assert f"grid.{region}.2012" in html
    assert "grid.national.2022" not in html  # V-news
    assert "中国区域电网平均二氧化碳排放因子" in html
    assert 'data-testid="row-count"' in html
    searched = client.get(f"/factors/{builtin.pk}/?parameter=ncv&q=coke").content.decode()
    assert "ncv.coke" in searched
    assert "grid.central.2012" not in searched


def test_the_rows_export_is_the_whole_library(builtin, client_for) -> None:
    rows = _sheet(client_for("public").get(f"/factors/{builtin.pk}/export.xlsx"))
    assert len(rows) == 1 + len(default_library().rows)
    central = next(row for row in rows if row[0] == "grid.central.2012")
    assert central[1:5] == ("grid_ef", "central_china_grid", "0.5257", "tCO2/MWh")
    assert central[12] == "C-3"
    assert central[14] == "grid.csv"
    filtered = _sheet(client_for("public").get(f"/factors/{builtin.pk}/export.xlsx?kind=grid_om"))
    assert len(filtered) == 1 + 12  # six 2016 and six 2019 operating margins


def test_a_row_in_every_version_and_the_comparison(builtin, users, client_for) -> None:
    office = users["office"]
    draft = common.do_correct(office, builtin, "Henan's own factor")
    services.do_set_row(office, draft, LOCAL_GRID)
    central = builtin.rows.get(factor_id="grid.central.2012").as_data()
    services.do_set_row(office, draft, {**central, "value": "0.6100"})
    client = client_for("reviewer")
    history = client.get(f"/factors/{draft.pk}/rows/grid.central.2012/").content.decode()
    assert "0.5257" in history
    assert "0.6100" in history
    page = client.get(f"/factors/compare/?old={builtin.pk}&new={draft.pk}").content.decode()
    assert "grid.henan.local.2012" in page
    assert '<td class="old">0.5257</td><td class="new">0.6100</td>' in page
    exported = _sheet(client.get(f"/factors/compare/export.xlsx?old={builtin.pk}&new={draft.pk}"))
    assert ("grid.central.2012", "已修改", "value", "0.5257", "0.6100") in exported
    assert any(row[0] == "grid.henan.local.2012" for row in exported[1:])
    listing = _sheet(client.get("/factors/export.xlsx"))
    assert [row[:3] for row in listing[1:]] == [("builtin", 2, "草稿"), ("builtin", 1, "已发布")]


def test_the_office_edits_a_draft_row_on_the_page(builtin, users, client_for) -> None:
    office = users["office"]
    draft = common.do_correct(office, builtin, "local heat factor")
    client = client_for("office")
    heat = builtin.rows.get(factor_id="heat.default").as_data()
    form = {k: ("" if v is None else v) for k, v in heat.items()}
    response = client.post(
        f"/factors/{draft.pk}/rows/heat.default/edit/",
        {**form, "value": "0.1050", "source": "Zhengzhou heat supply survey 2012 (test)"},
    )
    assert response.status_code == 302
    row = FactorRow.objects.get(factor_set=draft, factor_id="heat.default")
    assert (row.value, row.source, row.file) == (
        "0.1050",
        "Zhengzhou heat supply survey 2012 (test)",
        "grid.csv",
    )
    refused = client.post(
        f"/factors/{draft.pk}/rows/heat.default/edit/", {**form, "unit": "furlongs"}
    )
    assert refused.status_code == 200
    assert "未知单位" in refused.content.decode()
    assert FactorRow.objects.get(factor_set=draft, factor_id="heat.default").unit == "tCO2/GJ"
