"""The MRV API router and what its endpoint modules share: the refusal responses, paging,
the domains its cached reads depend on, and figure formatting.

Every read (``GET``) is cached with :func:`~citycarbon.server.common.api.cached_read` for the
caller's scope until the data it reads change: :data:`READS` when the answer names no account,
:data:`READS_WITH_PEOPLE` when it does (who entered, submitted, approved; who holds a role).
An answer computed "as of today" varies by the day as well (:func:`today`). Lists that grow
with the register are paginated with :func:`~citycarbon.server.common.api.paginate`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from citycarbon.server.common.api import REFUSALS
from citycarbon.server.common.models import User
from citycarbon.server.common.schemas import ErrorOut
from citycarbon.server.mrv import selectors

router = Router(tags=["mrv"])
READ: dict[int, Any] = {**REFUSALS}
WRITE: dict[int, Any] = {**REFUSALS, 409: ErrorOut}
#: The domains a cached read depends on: the app's own data, and the jurisdictions (their
#: codes in the answers, the sub-jurisdictions a filter or an official's scope covers).
READS = ("mrv", "geo")
#: … and the accounts, for answers that name them (``created_by``, role holders).
READS_WITH_PEOPLE = ("mrv", "geo", "common")


def today(request: HttpRequest) -> date:
    """The day an answer "as of today" is computed for (``cached_read(vary=today)``)."""
    return timezone.localdate()


def _figure(value: Any) -> str | None:
    return selectors.decimal_or_none(value)


def _user_name(user: User | None) -> str | None:
    return None if user is None else user.get_username()
