"""Thin views: the give form, the return from Stripe, a monthly donor's page, Stripe's webhook."""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from samizdat.campaigns import services, stripe_client, webhooks
from samizdat.campaigns.models import CampaignPage, Donation
from samizdat.core import spam

logger = logging.getLogger(__name__)
MAX_WEBHOOK_BYTES = 256 * 1024


def _site_name(request: HttpRequest) -> str:
    from samizdat.core.templatetags.outlet_tags import request_site_name

    return request_site_name(request)


def give(campaign: CampaignPage, request: HttpRequest) -> HttpResponse:
    """GET shows the campaign and its form; POST validates and records the gift (or sends the
    donor to Stripe Checkout). Errors show the form again with everything the reader typed."""
    form = verdict = None
    status = 200
    if request.method == "POST":
        if not campaign.is_open:
            return campaign.render_with(request, campaign.get_template(request), {"closed_error": True}, 403)
        form = campaign.get_form(request, _offline_without_stripe(request.POST))
        verdict = spam.screen(request, campaign.rate_scope, form)
        if verdict == spam.Verdict.BOT:
            return HttpResponseRedirect(f"{request.path}?sent=offline")
        if verdict == spam.Verdict.ACCEPT:
            response = accept_gift(campaign, request, form)
            if response is not None:
                return response
        status = 400 if form.errors else 200
    context = campaign.get_context(request)
    if form is not None:
        context["form"] = form
    if form is None:
        context["sent"] = request.GET.get("sent")
    response = TemplateResponse(request, campaign.get_template(request), context, status=status)
    return spam.too_many_requests(response) if verdict == spam.Verdict.REFUSED else response


def _offline_without_stripe(data: QueryDict) -> QueryDict:
    """Without a secret key every gift is an offline pledge: a card choice from a page loaded while
    online giving was on becomes one (the form offers only offline then, and would refuse it)."""
    if settings.STRIPE_SECRET_KEY or data.get("method") != Donation.Method.STRIPE:
        return data
    data = data.copy()
    data["method"] = Donation.Method.OFFLINE
    return data


def accept_gift(campaign: CampaignPage, request: HttpRequest, form) -> HttpResponse | None:
    """Record the gift; offline pledges go to the thank-you, card gifts to Stripe Checkout."""
    data = form.cleaned_data
    page_url = campaign.get_full_url(request) or request.build_absolute_uri(request.path)
    try:
        if data.get("method") != Donation.Method.STRIPE or not settings.STRIPE_SECRET_KEY:
            services.pledge_offline(campaign, data, page_url=page_url, site_name=_site_name(request))
            return HttpResponseRedirect(f"{request.path}?sent=offline#give")
        donation = services.give(campaign, data, method=Donation.Method.STRIPE)
    except services.SoldOut as sold_out:
        form.mark_sold_out(sold_out.choice)
        return None
    base = page_url.rstrip("/") + "/"
    try:
        session_id, url = stripe_client.create_checkout(
            donation, title=campaign.title, success_url=base + "thanks/?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=base + "#give")
    except stripe_client.PaymentProviderError as error:
        logger.warning("Stripe Checkout for donation %s failed: %s", donation.pk, error)
        services.expire(donation.pk)
        form.add_error(None, _("We could not reach our payment provider. Nothing was charged; "
                               "please try again in a moment or choose to pay offline."))
        return None
    Donation.objects.filter(pk=donation.pk).update(stripe_session=session_id)
    return HttpResponseRedirect(url, status=303)


def returned(campaign: CampaignPage, request: HttpRequest) -> HttpResponse:
    """Back from Stripe Checkout: thank the donor. The payment is recorded by the webhook alone.

    The session id in the address shows one donor's gift, so the page is private like the manage page."""
    session_id = request.GET.get("session_id", "")[:255]
    donation = None
    if session_id and session_id != "{CHECKOUT_SESSION_ID}":
        donation = Donation.objects.filter(campaign=campaign, stripe_session=session_id).first()
    return _private(campaign.render_with(request, "campaigns/thanks.html", {"donation": donation},
                                         chrome_subpaths="thanks/"))


def manage(campaign: CampaignPage, request: HttpRequest, token: str) -> HttpResponse:
    """A monthly donor's page (from the receipt): see the gift, cancel it, or change the card.

    The link is the key, so the page is never cached, indexed, or sent on as a referrer."""
    template = "campaigns/manage.html"
    try:
        donation = services.donation_for_token(campaign, token)
    except services.LinkInvalid:
        return _private(campaign.render_with(request, template, {"link_error": True}, 400))
    outcome, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        monthly = donation.frequency == Donation.Frequency.MONTHLY
        if action == "cancel" and monthly:
            if not donation.can_stop:
                outcome = "already_ended"
            else:
                try:
                    if donation.stripe_subscription:
                        stripe_client.cancel_subscription(donation.stripe_subscription)
                    services.end_monthly(donation.pk)
                    outcome = "cancelled"
                except stripe_client.PaymentProviderError as error:
                    logger.warning("Cancelling donation %s at Stripe failed: %s", donation.pk, error)
                    outcome, status = "provider_error", 502
        elif action == "card" and donation.can_stop and donation.stripe_customer:
            try:
                return _private(HttpResponseRedirect(stripe_client.portal_url(
                    donation.stripe_customer, request.build_absolute_uri()), status=303))
            except stripe_client.PaymentProviderError as error:
                logger.warning("Stripe's portal for donation %s failed: %s", donation.pk, error)
                outcome, status = "provider_error", 502
        else:
            outcome, status = "unknown_action", 400
        donation.refresh_from_db()
    return _private(campaign.render_with(request, template, {"donation": donation, "outcome": outcome},
                                         status))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's events: verified with Stripe's own check, applied once per event id."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        return JsonResponse({"error": "Stripe webhooks are not set up on this site."}, status=404)
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        return HttpResponseBadRequest("Bad Content-Length.", content_type="text/plain")
    payload = b"" if declared > MAX_WEBHOOK_BYTES else request.read(MAX_WEBHOOK_BYTES + 1)
    if declared > MAX_WEBHOOK_BYTES or len(payload) > MAX_WEBHOOK_BYTES:
        return JsonResponse({"error": "Body too large."}, status=413)
    try:
        event, signed_at = stripe_client.verified_event(payload, request.headers.get("Stripe-Signature", ""))
    except stripe.SignatureVerificationError as error:
        return HttpResponseBadRequest(f"Signature check failed: {error.user_message or error}",
                                      content_type="text/plain")
    except ValueError:
        return HttpResponseBadRequest("Not a Stripe event.", content_type="text/plain")
    try:
        outcome = webhooks.handle_event(event, signed_at)
    except webhooks.MalformedEvent as error:
        logger.warning("Stripe event %s (%s) refused, nothing stored: %s", event["id"][:255],
                       event["type"][:100], error)
        return HttpResponseBadRequest(f"Malformed event: {error}.", content_type="text/plain")
    if outcome == webhooks.Outcome.REPLAY:
        return HttpResponseBadRequest("This exact request was already received (replay).",
                                      content_type="text/plain")
    return JsonResponse({"received": True, "outcome": str(outcome)})
