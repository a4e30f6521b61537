"""Public disclosure and the reconciliation of verified emissions with the inventory."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query

from citycarbon.server.common.api import cached_read, paginate
from citycarbon.server.common.auth import API_READ, API_WRITE
from citycarbon.server.common.errors import NotFoundError
from citycarbon.server.common.selectors import perm_for, require
from citycarbon.server.inventory import selectors as inventory_selectors
from citycarbon.server.mrv import selectors, services
from citycarbon.server.mrv.api._common import READ, READS, WRITE, _figure, router
from citycarbon.server.mrv.models import (
    Disclosure,
    VerifiedEmission,
)
from citycarbon.server.mrv.reconcile import CategoryLine, SectorLine
from citycarbon.server.mrv.schemas import (
    DisclosureOut,
    DisclosurePageOut,
    PageQuery,
    ReconciliationOut,
)

# --- disclosure and reconciliation ------------------------------------------------------------


@router.post(
    "/verifications/{credit_code}/{year}/publish",
    response={200: DisclosureOut, **WRITE},
    auth=API_WRITE,
)
def publish_disclosure(request: HttpRequest, credit_code: str, year: int) -> dict[str, Any]:
    """Publish the approved verified emissions (the office); the public then sees them."""
    records = selectors.verification_of(request.user, credit_code, year)
    record = next((r for r in records if r.kind == "primary"), None)
    if record is None:
        raise NotFoundError(_("No such verification."), field="kind", value="primary")
    item = services.do_publish_disclosure(request.user, record)
    return {
        "enterprise": item.enterprise.credit_code, "name": item.enterprise.name,
        "sector": item.sector, "year": item.year, "tco2e": _figure(item.tco2e),
        "state": item.state, "trend": {str(item.year): _figure(item.tco2e)},
    }  # fmt: skip


def _disclosure_row_out(row: dict[str, Any]) -> dict[str, Any]:
    item = row["item"]
    return {
        "enterprise": item.enterprise.credit_code, "name": item.enterprise.name,
        "sector": item.sector, "year": item.year, "tco2e": _figure(item.tco2e),
        "state": item.state, "trend": {str(y): _figure(v) for y, v in row["trend"]},
    }  # fmt: skip


@router.get("/disclosures", response={200: DisclosurePageOut, **READ}, auth=API_READ)
@cached_read(*READS)
def list_disclosures(
    request: HttpRequest, query: Query[PageQuery], year: int | None = None
) -> dict[str, Any]:
    """Published verified emissions per enterprise (the year's, or each one's latest), with
    sector and trend, by sector and enterprise, paginated; anyone may read the published
    ones."""
    require(request.user, perm_for(Disclosure, "view"))
    return paginate(selectors.disclosure_table(request.user, year), query, _disclosure_row_out)


@router.get("/reconciliation", response={200: list[ReconciliationOut], **READ}, auth=API_WRITE)
@cached_read("mrv", *inventory_selectors.DOMAINS)
def get_reconciliation(
    request: HttpRequest, year: int = 2015, jurisdiction: str = "zhengzhou"
) -> list[dict[str, Any]]:
    """Enterprises' approved verified emissions by jurisdiction (and its sub-jurisdictions),
    inventory sector and, under each sector, inventory category, against the inventory's
    direct emissions: coverage share, gap, and whether it is unexplained. Cached for the
    caller's scope until the MRV data, an inventory, a factor set or a jurisdiction changes."""
    require(request.user, perm_for(VerifiedEmission, "view"))
    root = selectors.reconciliation_root(jurisdiction)
    return [
        {
            "jurisdiction": p["jurisdiction"].code,
            "inventory": p["run"] is not None,
            "lines": [
                {
                    **_compared(row["line"]), "sector": row["line"].sector, "name": row["name"],
                    "categories": [
                        {**_compared(c["line"]), "category": c["line"].category,
                         "code": c["code"], "name": c["name"]}
                        for c in row["categories"]
                    ],
                }
                for row in p["rows"]
            ],
        }
        for p in selectors.reconciliation(request.user, root, year)
    ]  # fmt: skip


def _compared(line: SectorLine | CategoryLine) -> dict[str, Any]:
    return {
        "enterprises": line.enterprises, "verified_tco2e": str(line.verified_tco2e),
        "inventory_tco2e": line.inventory_tco2e, "coverage": line.coverage,
        "gap_tco2e": line.gap_tco2e, "unexplained": line.unexplained,
    }  # fmt: skip
