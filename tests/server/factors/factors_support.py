"""Constants shared by the factor-set tests (importable: pytest puts this folder on the
path)."""

from __future__ import annotations

#: A local grid factor the city adopts in place of the 2012 central-China average.
LOCAL_GRID = {
    "factor_id": "grid.henan.local.2012",
    "parameter": "grid_ef",
    "subject": "henan",
    "value": "0.6230",
    "unit": "tCO2/MWh",
    "gas": "CO2",
    "kind": "grid_average",
    "guideline": "*",
    "region": "*",
    "year_from": 2012,
    "year_to": 2012,
    "source": "Henan provincial statistics bureau, 2012 electricity balance (test fixture)",
    "status": "V-doc",
    "note": "",
}
