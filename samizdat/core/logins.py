"""Locked logins: the accounts and addresses django-axes refuses for now, and unlocking them.

Axes counts failed logins per username and per address (settings: AXES_*); a lock lasts
AXES_COOLOFF_TIME after the last failure. Superusers (or anyone with axes' delete permission) see
the locks under Settings → Locked logins and lift one at once.
"""

from __future__ import annotations

import ipaddress

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samizdat.core import spam

UNLOCK_PERMISSION = "axes.delete_accessattempt"


def client_address(request: HttpRequest) -> str | None:
    """The address axes counts failures of (AXES_CLIENT_IP_CALLABLE): the reader's address as
    spam.client_ip finds it, or None when there is none (a request made in code, e.g. a test's
    force_login), which PostgreSQL's inet column would refuse as text."""
    address = spam.client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def locks(field: str) -> list[dict]:
    """Who is locked out now, by `field` ("username" or "ip_address"): value, failures, last try."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return list(
        recent.exclude(**{field: None}).values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT).order_by("-last")
    )


def locked_logins(request: HttpRequest) -> HttpResponse:
    """The locks now in force; POST kind=account|address and value=… lifts one."""
    if not request.user.has_perm(UNLOCK_PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        kind, value = request.POST.get("kind"), request.POST.get("value", "")[:255]
        if kind == "account" and value:
            reset(username=value)
            messages.success(request, _("The account %(name)s can sign in again.") % {"name": value})
        elif kind == "address" and value:
            reset(ip=value)
            messages.success(request, _("Sign-ins from %(address)s are allowed again.") % {"address": value})
        else:
            messages.error(request, _("Nothing to unlock."))
        return HttpResponseRedirect(reverse("core_locked_logins"))
    return TemplateResponse(request, "core/admin/locked_logins.html", {
        "accounts": locks("username"),
        "addresses": locks("ip_address"),
        "limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "page_title": _("Locked logins"),
        "header_title": _("Locked logins"),
        "header_icon": "lock",
    })
