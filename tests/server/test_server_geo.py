"""Jurisdictions: the shipped Zhengzhou file, loading rules, API and pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from citycarbon.server.common.errors import PermissionDeniedError, ValidationFailedError
from citycarbon.server.common.models import AuditEvent
from citycarbon.server.geo.models import Jurisdiction
from citycarbon.server.geo.services import (
    default_jurisdictions_file,
    do_load_jurisdictions,
    parse_jurisdictions,
)

pytestmark = pytest.mark.django_db

HEADER = "code,division_code,name_zh,name_en,kind,parent,tile_col,tile_row,sort_order\n"

# The annex of 郑政〔2013〕23号 (shared/mission/REQUIREMENTS.md): the city and 14 jurisdictions.
ANNEX = {
    "郑州市": "city",
    "登封市": "county_city",
    "新密市": "county_city",
    "荥阳市": "county_city",
    "新郑市": "county_city",
    "中牟县": "county",
    "中原区": "district",
    "二七区": "district",
    "金水区": "district",
    "管城回族区": "district",
    "惠济区": "district",
    "上街区": "district",
    "郑州新郑综合保税区（郑州航空港区）": "zone",
    "郑州经济开发区": "zone",
    "郑州高新区": "zone",
}


def _load(text: str) -> object:
    return do_load_jurisdictions(None, parse_jurisdictions(HEADER + text))


def test_shipped_file_is_the_annex(jurisdictions) -> None:
    stored = {j.name_zh: j.kind for j in Jurisdiction.objects.all()}
    assert stored == ANNEX
    city = Jurisdiction.objects.get(code="zhengzhou")
    assert city.parent is None
    assert city.division_code == "410100"
    assert Jurisdiction.objects.filter(parent=city).count() == 14
    # Division codes (national statistical division codes): Dengfeng 410185, Airport zone 410173.
    assert Jurisdiction.objects.get(code="dengfeng").division_code == "410185"
    assert Jurisdiction.objects.get(code="airport_zone").division_code == "410173"
    tiles = list(Jurisdiction.objects.exclude(tile_col=None).values_list("tile_col", "tile_row"))
    assert len(tiles) == len(set(tiles)) == 14
    # Rough geography: Huiji is the northernmost, Zhongmou the easternmost tile.
    north = Jurisdiction.objects.exclude(tile_row=None).order_by("tile_row").first()
    east = Jurisdiction.objects.exclude(tile_col=None).order_by("-tile_col").first()
    assert (north.code, east.code) == ("huiji", "zhongmou")


def test_loading_twice_changes_nothing(jurisdictions) -> None:
    events = AuditEvent.objects.count()
    text = default_jurisdictions_file().read_text(encoding="utf-8")
    result = do_load_jurisdictions(None, parse_jurisdictions(text))
    assert (len(result.created), len(result.updated), len(result.unchanged)) == (0, 0, 15)
    assert AuditEvent.objects.count() == events


def test_loading_updates_only_what_changed(jurisdictions) -> None:
    result = _load("erqi,410103,二七区,Erqi District,district,zhengzhou,3,2,7\n")
    assert (result.created, result.updated, result.unchanged) == ([], ["erqi"], [])
    event = AuditEvent.objects.filter(action="geo.update_jurisdiction").get()
    assert (event.before["name_en"], event.after["name_en"]) == ("Erqi", "Erqi District")
    assert event.actor_name == "system"


def test_another_city_loads_without_code_changes(db) -> None:
    result = _load(
        "kaifeng,410200,开封市,Kaifeng,city,,,,0\n"
        "gulou,410204,鼓楼区,Gulou,district,kaifeng,0,0,1\n"
    )
    assert result.created == ["kaifeng", "gulou"]
    assert Jurisdiction.objects.get(code="gulou").parent.code == "kaifeng"


@pytest.mark.parametrize(
    ("rows", "row", "field", "value"),
    [
        ("Bad Code,,某区,,district,,,,0\n", 2, "code", "Bad Code"),
        ("a,,甲,,district,,,,0\na,,乙,,district,,,,0\n", 3, "code", "a"),
        ("a,,,,district,,,,0\n", 2, "name_zh", None),
        ("a,,甲,,province,,,,0\n", 2, "kind", "province"),
        ("a,,甲,,district,nowhere,,,0\n", 2, "parent", "nowhere"),
        ("a,,甲,,district,b,,,0\nb,,乙,,district,a,,,0\n", 2, "parent", "b"),
        (
            "a,,甲,,city,,,,0\nb,,乙,,district,a,1,1,0\nc,,丙,,district,a,1,1,0\n",
            4,
            "tile_col",
            "1,1",
        ),
        ("a,,甲,,district,,x,1,0\n", 2, "tile_col", "x"),
        ("a,,甲,,district,,1,,0\n", 2, "tile_row", None),
        ("a,12345678901234,甲,,district,,,,0\n", 2, "division_code", "12345678901234"),
    ],
)
def test_bad_rows_refuse_the_file_and_write_nothing(db, counts, rows, row, field, value) -> None:
    before = counts()
    with pytest.raises(ValidationFailedError) as refused:
        _load(rows)
    first = refused.value.errors[0]
    assert (first.row, first.field, first.value) == (row, field, value)
    assert counts() == before


def test_every_problem_is_reported_at_once(db) -> None:
    with pytest.raises(ValidationFailedError) as refused:
        _load("Bad,,,,province,,,,0\n")
    fields = [error.field for error in refused.value.errors]
    assert fields == ["code", "name_zh", "kind"]


def test_missing_columns_refuse_the_file(db) -> None:
    with pytest.raises(ValidationFailedError) as refused:
        do_load_jurisdictions(None, parse_jurisdictions("code,name_en\nx,X\n"))
    assert refused.value.field == "columns"
    assert refused.value.value == "name_zh, kind"


def test_only_the_office_loads(users, counts) -> None:
    before = counts()
    with pytest.raises(PermissionDeniedError):
        do_load_jurisdictions(users["own_official"], parse_jurisdictions(HEADER))
    assert counts() == before
    do_load_jurisdictions(users["office"], parse_jurisdictions(HEADER))


def test_management_command(db, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("load_jurisdictions", stdout=out)
    assert out.getvalue().strip() == "zhengzhou.csv: 15 created, 0 updated, 0 unchanged"
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "x,,甲,,province,,,,0\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"line 2: kind = 'province'"):
        call_command("load_jurisdictions", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_jurisdictions", str(tmp_path / "missing.csv"))


def test_api_list_and_detail(users, client_for) -> None:
    client = client_for("anonymous")
    page = client.get("/api/geo/jurisdictions").json()
    assert (page["count"], page["page"], page["pages"]) == (15, 1, 1)
    listed = page["items"]
    assert [item["code"] for item in listed][:3] == ["zhengzhou", "dengfeng", "xinmi"]
    assert listed[1] == {
        "code": "dengfeng",
        "division_code": "410185",
        "name_zh": "登封市",
        "name_en": "Dengfeng",
        "kind": "county_city",
        "parent": "zhengzhou",
        "tile_col": 0,
        "tile_row": 3,
    }
    second = client.get("/api/geo/jurisdictions?page=2&page_size=2").json()
    assert (second["count"], second["page"], second["pages"]) == (15, 2, 8)
    assert [item["code"] for item in second["items"]] == [item["code"] for item in listed[2:4]]
    refused = client.get("/api/geo/jurisdictions?page=9&page_size=2")
    assert refused.status_code == 404
    assert refused.json()["field"] == "page"
    assert client.get("/api/geo/jurisdictions?page_size=501").status_code == 422
    city = client.get("/api/geo/jurisdictions/zhengzhou").json()
    assert city["parent"] is None
    assert len(city["children"]) == 14
    assert client.get("/api/geo/jurisdictions/dengfeng").json()["children"] == []


def test_list_page_carries_the_tiles(users, client_for) -> None:
    response = client_for("anonymous").get("/jurisdictions/")
    html = response.content.decode()
    tiles = response.context["tiles"]
    assert len(tiles) == 14
    assert {t["code"] for t in tiles} == set(ANNEX_CODES)
    assert 'id="tile-data"' in html
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "登封市" in html


ANNEX_CODES = [
    "dengfeng", "xinmi", "xingyang", "xinzheng", "zhongmou", "zhongyuan", "erqi",
    "jinshui", "guancheng", "huiji", "shangjie", "airport_zone", "economic_development_zone",
    "high_tech_zone",
]  # fmt: skip


def test_detail_page_in_both_languages(users, client_for) -> None:
    client = client_for("anonymous")
    chinese = client.get("/jurisdictions/zhengzhou/").content.decode()
    assert "<h1>郑州市</h1>" in chinese
    assert "下级辖区" in chinese
    client.cookies["citycarbon_language"] = "en"
    english = client.get("/jurisdictions/zhengzhou/").content.decode()
    assert "<h1>Zhengzhou</h1>" in english
    assert "Sub-jurisdictions" in english


def test_excel_export(users, client_for) -> None:
    response = client_for("anonymous").get("/jurisdictions/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("代码", "区划代码", "中文名称")
    assert len(rows) == 16
    assert rows[2][:6] == ("dengfeng", "410185", "登封市", "Dengfeng", "县级市", "zhengzhou")
