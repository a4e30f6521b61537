from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from citycarbon.server.geo.choices import JurisdictionKind

__all__ = ["Jurisdiction"]


class Jurisdiction(models.Model):
    """A city, district, county, county-level city or functional zone, in a tree.

    ``code`` is the short stable key used in URLs, files and account names (``dengfeng``);
    ``division_code`` the official administrative (statistical) division code where there is
    one. ``tile_col``/``tile_row`` place it on the schematic tile map (column from west, row
    from north); the root is drawn above the tiles.
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    division_code = models.CharField(_("division code"), max_length=12, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=JurisdictionKind.choices())
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    tile_col = models.SmallIntegerField(_("tile column"), null=True, blank=True)
    tile_row = models.SmallIntegerField(_("tile row"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    #: A jurisdiction-scoped grant covers the jurisdiction itself and everything below it.
    scope_lookups: ClassVar[Mapping[str, str] | None] = {"jurisdiction": ""}

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ("sort_order", "code")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Chinese when there is no English name)."""
        language = get_language() or "zh-hans"
        if language.startswith("zh") or not self.name_en:
            return self.name_zh
        return self.name_en
