"""The newsletter admin: subscribers (filters, CSV export, CSV import with consent), lists, sends."""

from __future__ import annotations

import csv
import datetime
import io
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from samizdat.newsletter import importing
from samizdat.newsletter.models import Send, Subscriber
from samizdat.newsletter.tests.conftest import make_subscriber

pytestmark = pytest.mark.django_db
BASE = "/admin/newsletter_subscribers/"


@pytest.fixture
def people(outlet, lists):
    ana = make_subscriber("ana@example.org", "confirmed", [lists["daily"]], [outlet.en, outlet.es])
    make_subscriber("bo@example.org", "pending", [lists["weekly"]], [outlet.en])
    make_subscriber("cy@example.org", "unsubscribed", [], [outlet.es])
    return ana


def upload(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def import_form(text: str, **overrides) -> dict:
    data = {"file": upload(text), "source_detail": "Sign-up sheet at the May Day rally",
            "consent_date": "2026-05-01", "consent_confirmed": "on"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_subscribers_list_filters_and_export(boss, people, lists, django_assert_max_num_queries):
    page = boss.get(BASE)
    assert page.status_code == 200
    emails = {row.email for row in page.context["object_list"]}
    assert emails == {"ana@example.org", "bo@example.org", "cy@example.org"}
    assert "Import CSV" in page.content.decode()
    assert {row.email for row in boss.get(BASE, {"status": "pending"}).context["object_list"]} == {
        "bo@example.org"}
    assert {row.email for row in boss.get(BASE, {"lists": lists["daily"].pk}).context["object_list"]} == {
        "ana@example.org"}

    response = boss.get(BASE, {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    ana = next(row for row in rows if row["email"] == "ana@example.org")
    assert (ana["languages"], ana["lists"], ana["status"]) == ("en es", "daily", "confirmed")
    assert len(rows) == 3

    for number in range(20):  # the listing does not grow queries with subscribers
        make_subscriber(f"p{number}@example.org", "confirmed", [lists["daily"]], [people.languages.first()])
    boss.get(BASE)
    with django_assert_max_num_queries(25) as few:
        boss.get(BASE)
    make_subscriber("more@example.org", "confirmed", [lists["weekly"]], [people.languages.first()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        boss.get(BASE)


def test_import_respects_consent_and_existing_choices(boss, people, lists, outlet):
    text = ("email,languages,lists\n"
            "new@example.org,es,weekly\n"
            "ANA@example.org,,weekly\n"
            "cy@example.org,,\n"
            "not-an-email,,\n"
            "new@example.org,,\n"
            "odd@example.org,,no-such-list\n"
            "\n"
            "plain@example.org,,\n")
    response = boss.post(f"{BASE}import/", import_form(text, lists=[str(lists["daily"].pk)]), follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("New: 2. Given more lists or languages: 1. Unchanged: 0." in m
               and "Left alone (they had unsubscribed, bounced or complained): 1." in m
               for m in messages), messages
    problems = next(m for m in messages if m.startswith("Not imported"))
    assert "line 5" in problems and "line 6: new@example.org is already on line 2" in problems
    assert "no-such-list" in problems

    new = Subscriber.objects.get(email="new@example.org")
    assert (new.status, new.source) == ("confirmed", "import")
    assert new.source_detail.startswith("Sign-up sheet at the May Day rally (imported ")
    assert new.consent_at.date() == datetime.date(2026, 5, 1)
    assert {item.slug for item in new.lists.all()} == {"daily", "weekly"}
    assert [locale.language_code for locale in new.languages.all()] == ["es"]
    assert [locale.language_code for locale in Subscriber.objects.get(email="plain@example.org")
            .languages.all()] == ["en"]  # none named: the default language
    ana = Subscriber.objects.get(email="ana@example.org")
    assert {item.slug for item in ana.lists.all()} == {"daily", "weekly"} and ana.source == "form"
    assert Subscriber.objects.get(email="cy@example.org").status == "unsubscribed"  # their choice stands


def test_export_imports_back(boss, people, lists):
    exported = b"".join(boss.get(BASE, {"export": "csv"}).streaming_content)
    Subscriber.objects.all().delete()
    response = boss.post(f"{BASE}import/", import_form(exported.decode("utf-8-sig")), follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("New: 1." in m for m in messages), messages  # only the subscribed row
    assert any("bo@example.org is not subscribed in the file (pending)" in m
               for m in messages), messages
    assert {item.slug for item in Subscriber.objects.get(email="ana@example.org").lists.all()} == {"daily"}


@pytest.mark.parametrize("overrides, error", [
    ({"consent_confirmed": None}, "This field is required"),
    ({"source_detail": ""}, "This field is required"),
    ({"consent_date": "2999-01-01"}, "in the future"),
    ({"file": upload("name,city\nAna,Lima\n")}, "one of them &quot;email&quot;"),
    ({"file": upload("")}, "The submitted file is empty"),
    ({"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", content_type="text/csv")}, "not UTF-8"),
])
def test_import_bad_input_keeps_everything(boss, people, lists, overrides, error):
    response = boss.post(f"{BASE}import/", import_form("email\nnew@example.org\n", **overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Subscriber.objects.count() == 3


def test_import_needs_permission(client, people):
    editor = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    client.force_login(editor)
    assert client.get(f"{BASE}import/").status_code in (302, 403)


def test_edit_can_stop_mail_but_not_subscribe(boss, people, lists):
    pending = Subscriber.objects.get(email="bo@example.org")
    form = boss.get(f"{BASE}edit/{pending.pk}/").context["form"]
    assert {value for value, _label in form.fields["status"].choices} == {"pending", "unsubscribed"}
    response = boss.post(f"{BASE}edit/{pending.pk}/", {"status": "confirmed", "lists": [lists["daily"].pk]})
    assert response.status_code == 200 and Subscriber.objects.get(pk=pending.pk).status == "pending"
    response = boss.post(f"{BASE}edit/{pending.pk}/", {"status": "unsubscribed",
                                                       "lists": [lists["daily"].pk]})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "unsubscribed" and pending.unsubscribed_at


def test_import_command(people, lists, tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("Email;Lists\nzed@example.org;Weekly digest\nbroken\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_subscribers", str(path), "--consent", "Rally sheet", "--consent-date", "2026-04-30",
                 "--list", "daily", "--language", "es", stdout=out, stderr=err)
    assert "1 new, 0 updated" in out.getvalue() and "1 not imported" in out.getvalue()
    assert "line 3" in err.getvalue()
    zed = Subscriber.objects.get(email="zed@example.org")
    assert {item.slug for item in zed.lists.all()} == {"daily", "weekly"}
    with pytest.raises(CommandError, match="No such list: nope"):
        call_command("import_subscribers", str(path), "--consent", "x", "--consent-date", "2026-04-30",
                     "--list", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_subscribers", str(tmp_path / "missing.csv"), "--consent", "x",
                     "--consent-date", "2026-04-30", "--list", "daily")
    with pytest.raises(CommandError, match="Say where and how"):
        call_command("import_subscribers", str(path), "--consent", " ", "--consent-date", "2026-04-30",
                     "--list", "daily")


def test_read_csv_accepts_semicolons_and_a_bom():
    rows = importing.read_csv("\ufeffE-mail;Languages\r\na@example.org;en, es\r\n".encode())
    assert [(row.email, row.languages, row.line) for row in rows] == [("a@example.org", ["en", "es"], 2)]


def test_menu_group_and_sends_page(boss, people):
    home = boss.get("/admin/").content.decode()
    assert "Newsletter" in home
    assert boss.get("/admin/newsletter_sends/").status_code == 200
    assert boss.get("/admin/newsletter_lists/").status_code == 200
    assert not Send.objects.exists()
