"""Signing a letter: double opt-in through real SMTP, withdrawing, bad input, tokens, the lists."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.test import Client
from freezegun import freeze_time

from conftest import assert_mail_links_work
from samizdat.letters import services
from samizdat.letters.models import LetterPage, Signature
from samizdat.letters.tests.conftest import body_of, links_in, signing

pytestmark = pytest.mark.django_db


def count(letter: LetterPage) -> int:
    return LetterPage.objects.get(pk=letter.pk).signature_count


def test_sign_confirm_and_withdraw(client, letter, smtp_server):
    page = client.get(letter.url).content.decode()
    assert "To the city council of Bilbao" in page and "Add your name" in page and "<progress" in page

    response = client.post(letter.url, signing())
    assert response.status_code == 302 and response["Location"] == f"{letter.url}?sent=1"
    signature = Signature.objects.get()
    assert (signature.name, signature.status, signature.language) == ("Zoë Ñandú", "pending", "en")
    assert count(letter) == 0
    assert "check your email" not in page and "we have sent you an email" in client.get(
        response["Location"]).content.decode()
    assert "Zoë Ñandú" not in client.get(letter.url + "signatures/").content.decode()

    [mail] = smtp_server
    assert mail.envelope_rcpt == ["zoe@example.org"]
    assert "Pay the cleaners" in mail["Subject"]
    links = links_in(mail)
    assert set(links) == {"confirm", "withdraw"}
    assert_mail_links_work(client, mail, at_least=2)  # GETs show buttons: nothing changes

    shown = client.get(links["confirm"])  # a mail scanner's prefetch changes nothing
    assert shown.status_code == 200 and "Confirm my signature" in shown.content.decode()
    assert Signature.objects.get().status == "pending"

    confirmed = client.post(links["confirm"])
    assert confirmed.status_code == 200 and "Thank you, and pass it on." in confirmed.content.decode()
    assert count(letter) == 1 and Signature.objects.get().confirmed_at is not None
    again = client.post(links["confirm"])
    assert "already confirmed" in again.content.decode() and count(letter) == 1
    assert "already confirmed" in client.get(links["confirm"]).content.decode()
    assert "Zoë Ñandú" in client.get(letter.url).content.decode()
    assert "Zoë Ñandú" in client.get(letter.url + "signatures/").content.decode()

    assert "Withdraw my signature" in client.get(links["withdraw"]).content.decode()
    assert count(letter) == 1
    withdrawn = client.post(links["withdraw"])
    assert "has been withdrawn" in withdrawn.content.decode()
    assert count(letter) == 0 and Signature.objects.get().status == "withdrawn"
    assert "already withdrawn" in client.post(links["withdraw"]).content.decode() and count(letter) == 0
    assert "Zoë Ñandú" not in client.get(letter.url).content.decode()
    refused = client.post(links["confirm"])  # an old confirmation link cannot bring it back
    assert "You withdrew this signature" in refused.content.decode() and count(letter) == 0


@pytest.mark.parametrize("name", ["Zoë Ñandú", "李小龍", "محمد", "Nguyễn Thị Minh Khai", "O'Brien-Løvås"])
def test_names_in_any_script_are_accepted(client, letter, smtp_server, name):
    assert client.post(letter.url, signing(name=name)).status_code == 302
    assert Signature.objects.get().name == name
    assert name in body_of(smtp_server[0])


def test_names_are_normalized(client, letter, smtp_server):
    client.post(letter.url, signing(name="  Zoe\u0308   Ñandú ", email="ZOE@Example.ORG", city=" Bilbao  "))
    signature = Signature.objects.get()
    assert (signature.name, signature.email, signature.city) == ("Zoë Ñandú", "zoe@example.org", "Bilbao")


@pytest.mark.parametrize("overrides, field, text", [
    ({"name": "Zoë\x1b[31m"}, "name", "control characters"),
    ({"name": "Zoë\u202eevil"}, "name", "text-direction"),
    ({"name": "!!! 123"}, "name", "at least one letter"),
    ({"name": "http://cheap.example"}, "name", "not a web address"),
    ({"name": "   "}, "name", "required"),
    ({"email": "not-an-email"}, "email", "valid email"),
    ({"email": ""}, "email", "required"),
    ({"city": "Bil\x00bao"}, "city", "Null characters"),
    ({"organization": "x" * 201}, "organization", "at most 200"),
])
def test_bad_input_shows_errors_and_stores_nothing(client, letter, smtp_server, overrides, field, text):
    response = client.post(letter.url, signing(**overrides))
    assert response.status_code == 200
    assert text in str(response.context["form"].errors[field])
    page = response.content.decode()
    assert "Please correct the errors below" in page and 'value="Teacher"' in page
    assert Signature.objects.count() == 0 and smtp_server == []


def test_signing_twice(client, letter, smtp_server):
    client.post(letter.url, signing())
    client.post(letter.url, signing(email="Zoe@Example.org", name="Zoë Ñandú Pérez"))
    assert Signature.objects.count() == 1 and Signature.objects.get().name == "Zoë Ñandú Pérez"
    first, second = (links_in(mail)["confirm"] for mail in smtp_server)
    assert client.post(first).status_code == 200 and count(letter) == 1
    assert "already confirmed" in client.post(second).content.decode() and count(letter) == 1

    client.post(letter.url, signing(name="Someone Else"))  # confirmed: nothing changes, the mail says so
    assert len(smtp_server) == 3 and "already signed" in smtp_server[2]["Subject"]
    assert "nothing has changed" in body_of(smtp_server[2])
    assert Signature.objects.get().name == "Zoë Ñandú Pérez" and count(letter) == 1

    client.post(links_in(smtp_server[2])["withdraw"])
    assert count(letter) == 0
    client.post(letter.url, signing(name="Zoë Again", is_public=None))  # withdrawn: sign again
    signature = Signature.objects.get()
    assert (signature.status, signature.name, signature.is_public) == ("pending", "Zoë Again", False)
    client.post(links_in(smtp_server[3])["confirm"])
    assert count(letter) == 1 and Signature.objects.count() == 1
    assert "Zoë Again" not in client.get(letter.url + "signatures/").content.decode()  # private


def make_signature(letter, email="ana@example.org", status="pending", **fields) -> Signature:
    fields.setdefault("name", "Ana")
    return Signature.objects.create(letter=letter, email=email, status=status, **fields)


def test_expired_tampered_and_foreign_links(client, letter, outlet):
    signature = make_signature(letter)
    with freeze_time(datetime.datetime.now() - datetime.timedelta(days=8)):
        old = services.confirm_token(signature)
    base = letter.url
    expired = client.get(f"{base}confirm/{old}/")
    assert expired.status_code == 410 and "has expired" in expired.content.decode()
    assert client.post(f"{base}confirm/{old}/").status_code == 410
    assert Signature.objects.get().status == "pending"

    token = services.confirm_token(signature)
    for bad in (token[:-2] + "xx", token.replace(f"{signature.pk}-", f"{signature.pk + 1}-"), "garbage",
                "1-2_3", "1_2_3_4", "_", "x" * 500):
        response = client.post(f"{base}confirm/{bad}/")
        assert response.status_code == 400, bad
        assert "not valid" in response.content.decode()
    for unroutable in ("1-2.3", "%00", "a%2Fb"):
        assert client.post(f"{base}confirm/{unroutable}/").status_code == 404
    withdraw = services.withdraw_token(signature)
    assert client.post(f"{base}withdraw/{withdraw[:-1]}/").status_code == 400
    assert client.post(f"{base}withdraw/{token}/").status_code == 400  # a confirm token cannot withdraw

    other = letter.get_parent().add_child(instance=LetterPage(title="Other", slug="other", body="<p>x</p>"))
    assert client.get(f"{other.url}confirm/{token}/").status_code == 400
    assert Signature.objects.get().status == "pending" and count(letter) == 0

    services.confirm(signature.pk)  # confirmed meanwhile: an expired link still says so
    response = client.get(f"{base}confirm/{old}/")
    assert response.status_code == 200 and "already confirmed" in response.content.decode()


def test_honeypot_closed_letter_and_methods(client, letter, smtp_server):
    response = client.post(letter.url, signing(website="http://buy.example"))
    assert response.status_code == 302 and Signature.objects.count() == 0 and smtp_server == []
    LetterPage.objects.filter(pk=letter.pk).update(signing_open=False)
    closed = client.post(letter.url, signing())
    assert closed.status_code == 403 and "closed for signatures" in closed.content.decode()
    assert 'name="email"' not in client.get(letter.url).content.decode()
    assert Signature.objects.count() == 0 and smtp_server == []
    assert client.post(letter.url + "signatures/").status_code == 405
    assert client.put(letter.url).status_code == 405
    assert client.get(letter.url + "nothing-here/").status_code == 404
    for route in ("", "signatures/", "count/", "confirm/x/", "withdraw/x/"):
        assert client.head(letter.url + route).status_code in (200, 400, 404), route
        assert "POST" in client.options(letter.url + route)["Allow"]
    assert client.delete(letter.url + "signatures/").status_code == 405


def test_csrf_is_enforced(letter):
    response = Client(enforce_csrf_checks=True).post(letter.url, signing())
    assert response.status_code == 403 and Signature.objects.count() == 0


def test_rate_limit(client, letter, smtp_server):
    for number in range(5):
        assert client.post(letter.url, signing(email=f"p{number}@example.org")).status_code == 302
    response = client.post(letter.url, signing(email="six@example.org"))
    assert response.status_code == 429 and Signature.objects.count() == 5


def fill(letter, number: int, start: int = 0) -> None:
    """`number` confirmed signatures, every third an organization, every fifth private."""
    first = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    Signature.objects.bulk_create(
        Signature(letter=letter, email=f"s{n}@example.org", name=f"Signer {n}",
                  city="Vigo" if n % 2 else "Lugo", organization=f"Union {n}" if n % 3 == 0 else "",
                  is_public=n % 5 != 4, status="confirmed", confirmed_at=first + timedelta(minutes=n))
        for n in range(start, start + number)
    )
    services.recount(letter)


def test_signature_list_search_pages_and_organizations(client, letter):
    fill(letter, 120)
    page = client.get(letter.url + "signatures/")
    html = page.content.decode()
    assert "<strong data-count>120</strong>" in html
    assert html.count('<li class="org">') == 17  # orgs among the first 50 public rows, in bold
    assert "<strong><bdi>Union 0</bdi></strong>" in html
    assert "Signer 4<" not in html  # private
    second = client.get(letter.url + "signatures/?q=SIGNER&page=2")
    assert second.context["signatures"].number == 2 and len(second.context["signatures"]) == 46
    assert 'href="?q=SIGNER&amp;page=1"' in second.content.decode()
    vigo = client.get(letter.url + "signatures/?q=vigo").context["signatures"]
    assert vigo.paginator.count == 48 and all(s.city == "Vigo" for s in vigo)
    assert client.get(letter.url + "signatures/?q=union+3").context["signatures"].paginator.count == 4
    for odd in ("?page=999", "?page=-1", "?q=%00%01", "?q=" + "a" * 3000, "?q=%27%22<script>"):
        assert client.get(letter.url + "signatures/" + odd).status_code == 200, odd
    assert len(client.get(letter.url).context["first_signatures"]) == 20
    LetterPage.objects.filter(pk=letter.pk).update(show_signatures=False)
    assert client.get(letter.url + "signatures/").status_code == 404


def test_count_json(client, letter):
    fill(letter, 7)
    response = client.get(letter.url + "count/")
    assert response.json() == {"count": 7, "goal": 100}
    assert "max-age=30" in response["Cache-Control"]


def queries_for(client, django_assert_max_num_queries, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in captured.captured_queries), url
    return len(captured)


def test_query_counts_do_not_grow(client, letter, django_assert_max_num_queries):
    signature = make_signature(letter, email="me@example.org")
    index = letter.get_parent()
    urls = {"letter": letter.url, "list": letter.url + "signatures/",
            "search": letter.url + "signatures/?q=signer&page=2", "confirm":
            f"{letter.url}confirm/{services.confirm_token(signature)}/",
            "withdraw": f"{letter.url}withdraw/{services.withdraw_token(signature)}/",
            "count": letter.url + "count/", "index": index.url}
    fill(letter, 3)
    small = {name: queries_for(client, django_assert_max_num_queries, url) for name, url in urls.items()}
    fill(letter, 120, start=3)
    large = {name: queries_for(client, django_assert_max_num_queries, url) for name, url in urls.items()}
    print("queries per page:", small)
    assert large == small
    assert max(small.values()) <= 8, small


def test_publishing_an_old_revision_keeps_the_count(client, letter, outlet):
    revision = letter.save_revision()
    fill(letter, 5)
    revision.publish()
    assert count(letter) == 5
    page = LetterPage.objects.get(pk=letter.pk)
    page.title = "Pay the cleaners now"
    page.signature_count = 0  # a stale in-memory value is never written
    page.save()
    assert count(letter) == 5 and LetterPage.objects.get(pk=letter.pk).title == "Pay the cleaners now"
    translation = letter.copy_for_translation(outlet.es, copy_parents=True)
    assert translation.signature_count == 0


def test_translations_share_one_list_of_signatures(client, letter, outlet, smtp_server):
    index_es = letter.get_parent().copy_for_translation(outlet.es)
    index_es.save_revision().publish()
    letter_es = letter.copy_for_translation(outlet.es)
    letter_es.title = "Pagad a las limpiadoras"
    letter_es.save_revision().publish()
    letter_es = LetterPage.objects.get(pk=letter_es.pk)
    assert client.post(letter_es.url, signing()).status_code == 302
    signature = Signature.objects.get()
    assert signature.language == "es" and signature.letter_id == letter.pk
    assert "Pagad a las limpiadoras" in smtp_server[0]["Subject"]
    assert links_in(smtp_server[0])["confirm"].startswith(letter_es.url)
    client.post(links_in(smtp_server[0])["confirm"])
    assert count(letter) == 1
    assert "Zoë Ñandú" in client.get(letter.url + "signatures/").content.decode()
    assert "Zoë Ñandú" in client.get(letter_es.url + "signatures/").content.decode()
    index = client.get(index_es.url).content.decode()
    assert "Pagad a las limpiadoras" in index and "Pay the cleaners" not in index and "1 firma" in index
    # Signing the English page with the same address finds the same signature: nothing twice.
    client.post(letter.url, signing())
    assert Signature.objects.count() == 1 and count(letter) == 1


def test_index_lists_letters_with_counts(client, letter):
    fill(letter, 3)
    page = client.get(letter.get_parent().url).content.decode()
    assert "Pay the cleaners" in page and "3 signatures" in page and "goal: 100" in page
