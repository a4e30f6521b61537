"""Checks on what users upload."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from citycarbon.server.common.errors import ValidationFailedError

__all__ = ["validate_upload"]


def validate_upload(
    upload: UploadedFile, extensions: Iterable[str], *, field: str = "file"
) -> None:
    """Refuse a file that is empty, larger than ``CITYCARBON_MAX_UPLOAD_BYTES`` or not one of
    ``extensions`` (``".xlsx"``…), naming the field and the offending value."""
    allowed = {ext.lower() for ext in extensions}
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in allowed:
        raise ValidationFailedError(
            _("Expected a file of type %(types)s.") % {"types": ", ".join(sorted(allowed))},
            field=field,
            value=name,
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationFailedError(_("The file is empty."), field=field, value=name)
    limit = settings.CITYCARBON_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationFailedError(
            _("The file is too large: %(size)d bytes, at most %(limit)d.")
            % {"size": size, "limit": limit},
            field=field,
            value=name,
        )
