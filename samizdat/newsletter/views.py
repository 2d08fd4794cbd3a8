"""Newsletter views outside the page tree: one-click unsubscribe, the bounce webhook."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from samizdat.core import tokens
from samizdat.newsletter import links, services

MAX_BOUNCE_BODY = 1024 * 1024
MAX_BOUNCE_REPORTS = 1000


def _chrome(request: HttpRequest):
    """The language home's navigation, so the page looks like the rest of the site."""
    from samizdat.core.chrome import build_chrome
    from samizdat.search.views import language_home

    home = language_home(request, translation.get_language() or settings.LANGUAGE_CODE)
    return build_chrome(home, request) if home else None


def language_newsletter_page(request: HttpRequest):
    """The live newsletter page under the current language's home, or None."""
    from samizdat.newsletter.pages import NewsletterPage
    from samizdat.search.views import language_home

    home = language_home(request, translation.get_language() or settings.LANGUAGE_CODE)
    return NewsletterPage.objects.live().child_of(home).first() if home else None


@require_http_methods(["GET", "HEAD"])
def route_safe_link(request: HttpRequest) -> HttpResponse:
    """A confirm or preferences link with the signer's ":" (older mails): the same link with "_"."""
    head, token = request.path.rstrip("/").rsplit("/", 1)
    return HttpResponsePermanentRedirect(f"{head}/{tokens.to_route(token)}/")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def quick_subscribe(request: HttpRequest) -> HttpResponse:
    """The email-only form at the foot of every page and article: the newsletter page's own flow.

    It carries no CSRF token, so that reading pages set no cookie and stay cacheable by a shared
    HTTP cache. A forged cross-site post can do no more than anyone can do directly (ask for a
    confirmation mail), and the form's spam protection applies as on the page. Invalid input is
    shown on the newsletter page's full form, with what the reader typed.
    """
    page = language_newsletter_page(request)
    if page is None:
        raise Http404(_("This site has no newsletter."))
    if request.method != "POST":
        return HttpResponseRedirect(page.get_url(request) or "/")
    request.is_preview = False
    return page.subscribe_page(request)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button; POST (the button, or a mail app's one-click): unsubscribe.

    Mail apps POST `List-Unsubscribe=One-Click` (RFC 8058) without a CSRF token or cookies;
    the signed token is what proves the address.
    """
    from samizdat.newsletter.models import Subscriber

    chrome = _chrome(request)
    context = {"chrome": chrome, "newsletter_url": chrome.newsletter_url if chrome else ""}
    try:
        subscriber = Subscriber.objects.filter(pk=links.read_token(token, links.UNSUBSCRIBE_SALT)).first()
    except links.BadLink:
        subscriber = None
    if subscriber is None:
        context["link_error"] = True
        return render(request, "newsletter/unsubscribe.html", context, status=400)
    if request.method == "POST":
        subscriber, outcome = services.unsubscribe(subscriber)
        context["outcome"] = str(outcome)
    context["subscriber"] = subscriber
    response = render(request, "newsletter/unsubscribe.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _bounce_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _read_reports(body: bytes) -> list[dict] | str:
    """The bounce reports in a webhook body, or an error message."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _("The body is not valid JSON.")
    reports = data if isinstance(data, list) else [data]
    if not reports:
        return _("Send at least one report.")
    if len(reports) > MAX_BOUNCE_REPORTS:
        return _("Send at most %(count)d reports at a time.") % {"count": MAX_BOUNCE_REPORTS}
    kinds = {kind.value for kind in services.BounceKind}
    for number, report in enumerate(reports, start=1):
        if not isinstance(report, dict):
            return _("Report %(number)d is not an object.") % {"number": number}
        email, kind, reason = report.get("email"), report.get("type"), report.get("reason", "")
        if not isinstance(email, str) or "@" not in email or len(email) > 254:
            return _("Report %(number)d: \"email\" must be an email address.") % {"number": number}
        if not isinstance(kind, str) or kind not in kinds:
            return _("Report %(number)d: \"type\" must be one of hard, soft, complaint.") % {"number": number}
        if not isinstance(reason, str):
            return _("Report %(number)d: \"reason\" must be text.") % {"number": number}
    return reports


@csrf_exempt
def bounces(request: HttpRequest) -> HttpResponse:
    """POST bounce and complaint reports from the mail provider (JSON, one or a list).

    Authenticated by `Authorization: Bearer <NEWSLETTER_BOUNCE_SECRET>`; without a secret
    configured the endpoint does not exist. Answers 202 with what was done.
    """
    secret = getattr(settings, "NEWSLETTER_BOUNCE_SECRET", "")
    if not secret:
        return _bounce_error(_("The bounce webhook is disabled: set NEWSLETTER_BOUNCE_SECRET."), 404)
    if request.method != "POST":
        response = _bounce_error(_("Only POST is accepted."), 405)
        response["Allow"] = "POST"
        return response
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {secret}".encode()):
        return _bounce_error(_("Wrong or missing credentials."), 403)
    if len(request.body) > MAX_BOUNCE_BODY:
        return _bounce_error(_("The body is too large."), 413)
    reports = _read_reports(request.body)
    if isinstance(reports, str):
        return _bounce_error(reports)
    counts = {"received": len(reports), "bounced": 0, "soft": 0, "complained": 0, "ignored": 0}
    names = {services.Outcome.BOUNCED: "bounced", services.Outcome.SOFT_BOUNCE: "soft",
             services.Outcome.COMPLAINED: "complained", services.Outcome.IGNORED: "ignored"}
    for report in reports:
        outcome = services.record_bounce(report["email"], report["type"], report.get("reason", ""))
        counts[names[outcome]] += 1
    return JsonResponse(counts, status=202)
