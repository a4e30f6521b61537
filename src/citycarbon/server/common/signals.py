"""Sign-ins and sign-outs go to the audit trail (whichever page signed the user in)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from citycarbon.server.common.models import User
from citycarbon.server.common.services import do_record_login, do_record_logout


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if isinstance(user, User):
        do_record_login(user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if isinstance(user, User):
        do_record_logout(user)
