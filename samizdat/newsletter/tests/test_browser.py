"""In headless Chromium: a reader subscribes from an article's footer box and confirms from the mail;
an editor watches a send's progress move in the admin without reloading."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model

from conftest import needs_chromium
from samizdat.newsletter.models import Delivery, MailingList, Send, Subscriber
from samizdat.newsletter.pages import NewsletterPage
from samizdat.newsletter.tests.conftest import links_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def wait_for(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def watch(page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(request.url))
    return errors


def test_reader_subscribes_from_the_footer_and_confirms(live_server, browser, outlet, smtp_server, settings):
    settings.SPAM_MIN_SECONDS = 0  # a robot types faster than people; the timestamp is still checked
    MailingList.objects.create(name="Daily", slug="daily", preselected=True)
    outlet.home.add_child(instance=NewsletterPage(title="Newsletter", slug="newsletter", thanks="Welcome."))
    article = outlet.add_article("Dockers walk out")
    page = browser.new_page()
    errors = watch(page)

    page.goto(live_server.url + article.url)
    assert page.context.cookies() == []  # a reading page sets no cookie
    footer = page.locator("footer .subscribe-quick")
    footer.get_by_role("textbox", name="Get our newsletter").fill("Reader@Example.org")
    footer.get_by_role("button", name="Subscribe").click()
    page.wait_for_load_state("load")
    assert "check your email" in page.locator(".form-thanks").inner_text()

    wait_for(lambda: smtp_server)
    [mail] = smtp_server
    page.goto(live_server.url + links_in(mail)["confirm"])
    page.get_by_role("button", name="Confirm my subscription").click()
    page.wait_for_load_state("load")
    assert "Welcome." in page.content()
    reader = Subscriber.objects.get()
    assert (reader.email, reader.status) == ("reader@example.org", "confirmed")
    assert [item.slug for item in reader.lists.all()] == ["daily"]
    assert errors == []


def test_send_progress_moves_while_the_send_runs(live_server, browser, outlet):
    get_user_model().objects.create_superuser("boss", "boss@example.org", "a-long-password-1")
    daily = MailingList.objects.create(name="Daily", slug="daily")
    send = Send.objects.create(kind=Send.Kind.ISSUE, locale=outlet.en, subject="Strike news", html="<p>x</p>",
                               text="x", status=Send.Status.SENDING, recipient_count=4)
    send.mailing_lists.set([daily])
    for number in range(4):
        reader = Subscriber.objects.create(email=f"r{number}@example.org", status="confirmed")
        Delivery.objects.create(send=send, subscriber=reader)
    page = browser.new_page()
    errors = watch(page)
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("a-long-password-1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")

    page.goto(f"{live_server.url}/admin/newsletter_sends/{send.pk}/")
    done = page.locator('[data-field="done"]')
    assert done.inner_text() == "0" and page.locator('[data-count="queued"]').inner_text() == "4"

    ids = list(Delivery.objects.filter(send=send).order_by("pk").values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids[:2]).update(state=Delivery.State.SENT)
    page.wait_for_function("() => document.querySelector('[data-field=\"done\"]').textContent === '2'",
                           timeout=10000)
    assert page.locator('[data-count="sent"]').inner_text() == "2"
    assert page.locator('[data-count="queued"]').inner_text() == "2"

    Delivery.objects.filter(pk__in=ids[2:]).update(state=Delivery.State.FAILED, error="550 no such user")
    Send.objects.filter(pk=send.pk).update(status=Send.Status.DONE)
    page.wait_for_function(
        "() => document.querySelector('[data-field=\"status_label\"]').textContent === 'Done'",
        timeout=10000)
    # The page reloads once the send ends, to list the failed recipients.
    page.get_by_role("cell", name="550 no such user").first.wait_for(timeout=10000)
    assert page.locator('[data-field="hint"]').count() == 0
    assert errors == []  # no script errors, and the admin asked nothing of Gravatar or anyone else
