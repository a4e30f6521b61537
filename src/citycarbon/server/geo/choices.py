from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from citycarbon.server.common.choices import Choices


class JurisdictionKind(Choices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    COUNTY = "county", _("County")
    COUNTY_CITY = "county_city", _("County-level city")
    ZONE = "zone", _("Functional zone")


class GeoAction(Choices):
    CREATE = "geo.create_jurisdiction", _("Jurisdiction created")
    UPDATE = "geo.update_jurisdiction", _("Jurisdiction changed")
