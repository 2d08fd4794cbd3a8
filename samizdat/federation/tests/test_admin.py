"""The fediverse in Wagtail's admin, as editors use it: followers per account (counts, SVG chart,
list, filters, CSV), the replies queue and its moderation, blocking and unblocking servers (the
rule and the form), the deliveries overview, permissions, and query counts that do not grow."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree, html

from conftest import make_user, messages_of
from samizdat.federation import actors, services
from samizdat.federation.models import (
    Actor,
    BlockedDomain,
    Delivery,
    Follower,
    Inbox,
    OutgoingActivity,
    RemoteActor,
    Reply,
)

pytestmark = pytest.mark.django_db
FOLLOWERS = "/admin/fediverse/followers/"
REPLIES = "/admin/fediverse/replies/"
MODERATE = "/admin/fediverse/replies/moderate/"
BLOCKED = "/admin/fediverse/blocked/"
DELIVERIES = "/admin/fediverse/deliveries/"
PAGES = [FOLLOWERS, REPLIES, BLOCKED, DELIVERIES]
NOW = timezone.now()


def ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def remote(username: str, domain: str = "social.example", name: str = "") -> RemoteActor:
    uri = f"https://{domain}/users/{username}"
    return RemoteActor.objects.create(uri=uri, username=username, domain=domain,
                                      name=name or username.title(), url=f"https://{domain}/@{username}",
                                      inbox=uri + "/inbox",
                                      shared_inbox=f"https://{domain}/inbox", key_id=uri + "#main-key",
                                      public_key="(a public key)")


def follow(actor: Actor, account: RemoteActor, days_ago: float = 1, removed_days_ago: float | None = None
           ) -> Follower:
    return Follower.objects.create(
        actor=actor, remote=account, follow_id=f"{account.uri}#follows/{actor.pk}", created_at=ago(days_ago),
        removed_at=ago(removed_days_ago) if removed_days_ago is not None else None)


def reply(account: RemoteActor, text: str = "Solidarity from the docks.", *, article=None,
          status: str = Reply.Status.NEW, hours_ago: float = 1) -> Reply:
    number = Reply.objects.count() + 1
    return Reply.objects.create(
        object_uri=f"https://{account.domain}/users/{account.username}/statuses/{number}", remote=account,
        article=article, url=f"https://{account.domain}/@{account.username}/{number}",
        content=f"<p>{text}</p>", published=NOW - datetime.timedelta(hours=hours_ago),
        received_at=NOW - datetime.timedelta(hours=hours_ago), status=status)


@pytest.fixture
def outlet_actor(outlet) -> Actor:
    return actors.outlet_actor(outlet.en)


def svg_of(response) -> etree._Element:
    """The chart exactly as served, parsed by a strict XML parser (so it must be well-formed)."""
    found = re.search(rb'<div class="followers-chart-box">(.*?)</div>', response.content, re.DOTALL)
    assert found, "no chart on the page"
    return etree.fromstring(found.group(1), etree.XMLParser(resolve_entities=False, no_network=True))


# Followers


def test_followers_over_time_counts_each_follower_between_follow_and_unfollow(outlet, outlet_actor,
                                                                              django_assert_num_queries):
    today = timezone.localdate()
    follow(outlet_actor, remote("ana"), days_ago=10)
    follow(outlet_actor, remote("bo"), days_ago=10)
    follow(outlet_actor, remote("cy"), days_ago=5, removed_days_ago=2)
    follow(outlet_actor, remote("dee"), days_ago=2)
    other = Actor.objects.create(kind=Actor.Kind.OUTLET, username="outlet_es", locale=outlet.es,
                                 private_key="-", public_key="-")
    follow(other, remote("eve"), days_ago=3)

    def day(days: int) -> datetime.date:
        return timezone.localdate(ago(days))

    with django_assert_num_queries(1):
        points = services.followers_over_time(outlet_actor)
    assert points == [(day(10), 2), (day(5), 3), (day(2), 3), (today, 3)]
    assert services.followers_over_time() == [(day(10), 2), (day(5), 3), (day(3), 4), (day(2), 4), (today, 4)]
    assert services.followers_over_time(Actor.objects.create(
        kind=Actor.Kind.AUTHOR, username="nobody", private_key="-", public_key="-")) == []


def test_followers_page_shows_counts_chart_list_and_csv(boss, outlet, outlet_actor):
    follow(outlet_actor, remote("ana", "mastodon.example", "Ana Ñandú"), days_ago=20)
    follow(outlet_actor, remote("bo", "social.test"), days_ago=12, removed_days_ago=3)
    follow(outlet_actor, remote("cy", "social.test"), days_ago=2)
    outlet.author.federated = True
    outlet.author.save()
    author = actors.author_actor(outlet.author)
    follow(author, remote("dee", "pub.example"), days_ago=1)

    response = boss.get(FOLLOWERS)
    assert response.status_code == 200
    counts = {str(actor): (actor.current, actor.removed) for actor in response.context["actors"]}
    assert counts == {"@outlet": (2, 1), "@rosa_marin": (1, 0)}
    svg = svg_of(response)
    assert svg.get("class") == "followers-chart"
    days = svg.findall("{http://www.w3.org/2000/svg}circle")
    assert len(days) == 6 and days[-1].findtext("{http://www.w3.org/2000/svg}title").endswith(": 3")
    page = html.fromstring(response.content)
    rows = [[cell.text_content().strip() for cell in row.cssselect("td")]
            for row in page.cssselect("tr[data-follower]")]
    assert len(rows) == 4 and rows[0][:3] == ["@dee@pub.example", "Dee", "@rosa_marin"]
    assert rows[-1][:3] == ["@ana@mastodon.example", "Ana Ñandú", "@outlet"] and rows[-1][4] == "—"
    assert rows[2][4] != "—"

    response = boss.get(FOLLOWERS, {"actor": outlet_actor.pk, "status": "removed"})
    assert [str(f.remote) for f in response.context["page"]] == ["@bo@social.test"]
    assert response.context["chart_title"] == "Followers of @outlet over time"
    response = boss.get(FOLLOWERS, {"actor": outlet_actor.pk, "status": "current"})
    assert [str(f.remote) for f in response.context["page"]] == ["@cy@social.test", "@ana@mastodon.example"]
    for junk in ({"actor": "99999999999999999999999"}, {"actor": "x", "status": "nope"}, {"page": "999"}):
        assert boss.get(FOLLOWERS, junk).status_code == 200

    response = boss.get(FOLLOWERS, {"actor": outlet_actor.pk, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["handle"] for row in table] == ["@cy@social.test", "@bo@social.test", "@ana@mastodon.example"]
    assert table[2]["name"] == "Ana Ñandú" and table[1]["unfollowed"] and not table[0]["unfollowed"]


def test_followers_page_without_any_account_yet(boss):
    response = boss.get(FOLLOWERS)
    assert response.status_code == 200
    assert "No one has followed yet." in response.content.decode()


# Replies


def test_replies_queue_shows_new_ones_newest_first_with_their_article(boss, outlet, outlet_actor):
    article = outlet.add_article("Dockers strike")
    ana, bo = remote("ana"), remote("bo", "mastodon.example")
    reply(ana, "Older, about the strike.", article=article, hours_ago=5)
    reply(bo, "Newer: <b>bold</b> words", hours_ago=1)
    reply(bo, "Already read.", status=Reply.Status.READ)
    reply(bo, "Hidden spam.", status=Reply.Status.HIDDEN)

    response = boss.get(REPLIES)
    assert response.status_code == 200
    page = html.fromstring(response.content)
    rows = page.cssselect("tr[data-reply]")
    assert len(rows) == 2
    assert "Newer:" in rows[0].text_content() and rows[0].cssselect(".fediverse-reply b")
    first = rows[1]
    links = {a.text_content().strip(): a.get("href") for a in first.cssselect("a")}
    assert links["Dockers strike"] == f"/admin/pages/{article.pk}/edit/"
    assert links["live page"] == article.url
    assert links["Original post"] == "https://social.example/@ana/1"
    assert links["@ana@social.example"] == "https://social.example/@ana"
    tabs = page.cssselect(".fediverse-tabs")[0].text_content()
    assert "To read (2)" in tabs and "Read (1)" in tabs and "Hidden (1)" in tabs and "All (4)" in tabs

    hidden = boss.get(REPLIES, {"status": "hidden"}).context["page"]
    assert [r.content for r in hidden] == ["<p>Hidden spam.</p>"]
    assert len(boss.get(REPLIES, {"status": "all"}).context["page"]) == 4
    assert boss.get(REPLIES, {"status": "bogus"}).context["status"] == "new"
    assert "Replies (2)" in boss.get("/admin/").content.decode()


def test_remote_images_in_replies_do_not_load_in_the_admin(boss, outlet_actor):
    """Replies stored before images were dropped on arrival still show none: each is a link."""
    ana = remote("ana")
    stored = reply(ana, 'Look <img src="https://tracker.example/p.gif?who=editor" alt="our picket"> '
                        '<a href="https://social.example/x"><IMG SRC=https://tracker.example/2.png></a> '
                        '<img src="//tracker.example/3.png"><img alt="no source">')
    response = boss.get(REPLIES)
    assert response.status_code == 200
    page = html.fromstring(response.content)
    ours = ("/", "http://localhost/", "http://testserver/")
    assert not [img.get("src") for img in page.iter("img") if not img.get("src", "").startswith(ours)
                or img.get("src", "").startswith("//")]
    shown = page.cssselect(f'tr[data-reply="{stored.pk}"] .fediverse-reply')[0]
    assert not shown.cssselect("img, picture, source, video, audio, iframe, object")
    links = {a.text_content(): (a.get("href"), a.get("rel")) for a in shown.cssselect("a")}
    assert links["[image: our picket]"] == ("https://tracker.example/p.gif?who=editor",
                                            "noopener noreferrer nofollow")
    assert links["[image]"] == ("https://tracker.example/2.png", "noopener noreferrer nofollow")
    assert "[image: no source]" in shown.text_content() and "3.png" not in shown.text_content()


def test_moderation_one_by_one_and_in_bulk(boss):
    ana = remote("ana")
    first, second, third = reply(ana, "one"), reply(ana, "two"), reply(ana, "three")

    response = boss.post(MODERATE, {"action": f"read:{first.pk}", "status": "new"}, follow=True)
    assert response.redirect_chain[-1][0] == REPLIES + "?status=new"
    assert messages_of(response) == ["1 reply marked read."]
    assert Reply.objects.get(pk=first.pk).status == Reply.Status.READ

    response = boss.post(MODERATE, {"action": "hide", "reply": [first.pk, second.pk, "x", "9" * 30]},
                         follow=True)
    assert messages_of(response) == ["2 replies hidden."]
    assert set(Reply.objects.filter(status=Reply.Status.HIDDEN).values_list("pk", flat=True)) == {
        first.pk, second.pk}

    response = boss.post(MODERATE, {"action": "unhide", "reply": [second.pk, third.pk]}, follow=True)
    assert messages_of(response) == ["1 reply shown again."]
    assert Reply.objects.get(pk=second.pk).status == Reply.Status.READ
    assert Reply.objects.get(pk=third.pk).status == Reply.Status.NEW  # unhide leaves a new one alone
    response = boss.post(MODERATE, {"action": "read", "reply": [first.pk]}, follow=True)
    assert messages_of(response) == ["0 replies marked read."]
    assert Reply.objects.get(pk=first.pk).status == Reply.Status.HIDDEN  # read does not unhide

    assert messages_of(boss.post(MODERATE, {"action": "hide"}, follow=True)) == ["Tick the replies first."]
    assert messages_of(boss.post(MODERATE, {"action": "delete", "reply": [third.pk]}, follow=True)) == [
        "Unknown action."]
    assert boss.get(MODERATE).status_code == 405


# Blocking servers


def test_blocking_ends_follows_from_the_server_and_its_subdomains_and_hides_their_new_replies(outlet_actor):
    spam, sub, lookalike, fine = (remote("a", "spam.example"), remote("b", "social.spam.example"),
                                  remote("c", "notspam.example"), remote("d", "fine.example"))
    for account in (spam, sub, lookalike, fine):
        follow(outlet_actor, account, days_ago=5)
    gone = remote("e", "spam.example")
    earlier = follow(outlet_actor, gone, days_ago=9, removed_days_ago=4).removed_at
    new_spam, read_spam, new_fine = reply(spam), reply(sub, status=Reply.Status.READ), reply(fine)

    blocked = services.block_domain("Spam.Example", "Sends spam replies")
    assert (blocked.domain, blocked.reason) == ("spam.example", "Sends spam replies")
    assert (blocked.followers_removed, blocked.replies_hidden) == (2, 1)
    current = set(Follower.objects.filter(removed_at__isnull=True).values_list("remote__domain", flat=True))
    assert current == {"notspam.example", "fine.example"}
    assert Follower.objects.get(remote=gone).removed_at == earlier  # an earlier unfollow keeps its date
    assert Reply.objects.get(pk=new_spam.pk).status == Reply.Status.HIDDEN
    assert Reply.objects.get(pk=read_spam.pk).status == Reply.Status.READ
    assert Reply.objects.get(pk=new_fine.pk).status == Reply.Status.NEW

    with pytest.raises(services.BlockError):
        services.block_domain("spam.example")
    with pytest.raises(services.BlockError):
        services.block_domain("deep.social.spam.example")
    services.unblock_domain(blocked)
    assert not BlockedDomain.objects.exists()
    following = Follower.objects.filter(removed_at__isnull=True).values_list("remote__domain", flat=True)
    assert set(following) == current


@pytest.mark.parametrize(("typed", "domain"), [
    ("spam.example", "spam.example"),
    ("  SPAM.Example. ", "spam.example"),
    ("https://Spam.Example/@someone/1234?x=1", "spam.example"),
    ("http://spam.example:8080/inbox", "spam.example"),
    ("@someone@spam.example", "spam.example"),
    ("spam.example/about", "spam.example"),
    ("bücher.example", "xn--bcher-kva.example"),
])
def test_block_form_takes_a_domain_however_pasted(boss, outlet_actor, typed, domain):
    follow(outlet_actor, remote("a", "spam.example"))
    response = boss.post(BLOCKED + "new/", {"domain": typed, "reason": "Harassment"}, follow=True)
    assert response.status_code == 200
    assert list(BlockedDomain.objects.values_list("domain", "reason")) == [(domain, "Harassment")]
    if domain == "spam.example":
        assert messages_of(response)[0].startswith(
            "spam.example blocked. Followers removed: 1. Replies hidden: 0.")


@pytest.mark.parametrize(("typed", "error"), [
    ("", "This field is required."),
    ("not a domain", "is not a server's domain name"),
    ("localhost", "is not a server's domain name"),
    ("-bad-.example", "is not a server's domain name"),
    ("https://", "is not a server's domain name"),
    ("http://[::1", "is not a server's domain name"),
    ("a" * 64 + ".example", "is not a server's domain name"),
    ("x" * 300, "at most 255 characters"),
    ("spam.example", "spam.example is already blocked."),
    ("HTTPS://SPAM.EXAMPLE/", "spam.example is already blocked."),
    ("eu.spam.example", "eu.spam.example is already blocked, as part of spam.example."),
])
def test_block_form_refuses_bad_and_duplicate_domains_with_a_form_error(boss, typed, error):
    BlockedDomain.objects.create(domain="spam.example")
    response = boss.post(BLOCKED + "new/", {"domain": typed, "reason": ""})
    assert response.status_code == 200
    assert any(error in message for message in response.context["form"].errors["domain"])
    assert BlockedDomain.objects.count() == 1


def test_the_site_cannot_block_itself(boss, outlet):
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname="ledger.example")
    for typed in ("ledger.example", "example"):
        response = boss.post(BLOCKED + "new/", {"domain": typed})
        assert response.status_code == 200 and response.context["form"].errors["domain"], typed
    assert not BlockedDomain.objects.exists()


def test_blocked_list_edit_reason_and_unblock(boss, outlet_actor):
    follow(outlet_actor, remote("a", "spam.example"))
    blocked = services.block_domain("spam.example", "Spam")
    page = boss.get(BLOCKED).content.decode()
    assert "spam.example" in page and "Spam" in page

    boss.post(f"{BLOCKED}edit/{blocked.pk}/", {"domain": "other.example", "reason": "Spam and abuse"},
              follow=True)
    assert list(BlockedDomain.objects.values_list("domain", "reason")) == [("spam.example", "Spam and abuse")]

    response = boss.post(f"{BLOCKED}delete/{blocked.pk}/", follow=True)
    assert messages_of(response)[0].startswith("spam.example unblocked.")
    assert not BlockedDomain.objects.exists()
    assert not Follower.objects.filter(removed_at__isnull=True).exists()  # they must follow again


# Deliveries


def deliveries(actor: Actor, count: int) -> None:
    """`count` activities, each to three inboxes: one delivered, one queued, one given up."""
    inboxes = [Inbox.objects.get_or_create(url=f"https://s{n}.example/inbox", domain=f"s{n}.example")[0]
               for n in range(3)]
    states = [Delivery.State.DELIVERED, Delivery.State.PENDING, Delivery.State.FAILED]
    for number in range(count):
        activity = OutgoingActivity.objects.create(actor=actor, type="Create", payload={},
                                                   object_uri=f"http://localhost/ap/articles/{number}")
        Delivery.objects.bulk_create([Delivery(activity=activity, inbox=inbox, state=state)
                                      for inbox, state in zip(inboxes, states, strict=True)])


def test_deliveries_show_counts_per_activity_and_unreachable_inboxes(boss, outlet_actor):
    deliveries(outlet_actor, 2)
    OutgoingActivity.objects.create(actor=outlet_actor, type="Accept", payload={})
    Inbox.objects.filter(url="https://s2.example/inbox").update(failures=9, unreachable_since=ago(2))

    response = boss.get(DELIVERIES)
    assert response.status_code == 200
    page = html.fromstring(response.content)
    rows = [[cell.text_content().strip() for cell in row.cssselect("td")]
            for row in page.cssselect("tr[data-activity]")]
    assert [row[0] for row in rows] == ["Accept", "Create", "Create"]
    assert rows[0][4:] == ["0", "0", "0"] and rows[1][4:] == ["1", "1", "1"]
    assert rows[1][2] == "@outlet"
    unreachable = page.cssselect("tr[data-inbox]")
    assert len(unreachable) == 1 and "https://s2.example/inbox" in unreachable[0].text_content()


# Permissions


def test_anonymous_visitors_are_sent_to_log_in(client):
    for url in PAGES + [BLOCKED + "new/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
    response = client.post(MODERATE, {"action": "hide", "reply": [reply(remote("a")).pk]})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert Reply.objects.get().status == Reply.Status.NEW


def test_editors_without_fediverse_permissions_are_turned_away(client, outlet):
    new = reply(remote("a"))
    client.force_login(make_user("newsroom", groups=("Editors",)))
    dashboard = client.get("/admin/").content.decode()
    assert "/admin/fediverse/" not in dashboard and "Fediverse" not in dashboard
    for url in PAGES + [BLOCKED + "new/", FOLLOWERS + "?export=csv"]:
        response = client.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)], url
        assert "Sorry, you do not have permission to access this area." in messages_of(response)
    assert client.post(MODERATE, {"action": f"hide:{new.pk}"}).status_code == 403
    client.post(BLOCKED + "new/", {"domain": "spam.example"})
    assert Reply.objects.get().status == Reply.Status.NEW and not BlockedDomain.objects.exists()


def test_moderators_look_after_the_fediverse(client, outlet):
    new = reply(remote("a"))
    client.force_login(make_user("desk", groups=("Moderators",)))
    menu = client.get("/admin/").content.decode()
    for url in PAGES:
        assert url in menu and client.get(url).status_code == 200, url
    assert client.post(MODERATE, {"action": f"hide:{new.pk}"}).status_code == 302
    assert Reply.objects.get().status == Reply.Status.HIDDEN
    assert client.post(BLOCKED + "new/", {"domain": "spam.example"}).status_code == 302
    assert BlockedDomain.objects.filter(domain="spam.example").exists()


def test_reading_replies_is_not_moderating_them(client, outlet):
    new = reply(remote("a"))
    client.force_login(make_user("reader", groups=("Editors",), perms=("federation.view_reply",)))
    response = client.get(REPLIES)
    assert response.status_code == 200
    assert not html.fromstring(response.content).cssselect("button[name=action]")
    menu = client.get("/admin/").content.decode()
    assert REPLIES in menu and FOLLOWERS not in menu and DELIVERIES not in menu
    assert client.post(MODERATE, {"action": f"hide:{new.pk}"}).status_code == 403
    assert client.get(FOLLOWERS).status_code == 302

    client.force_login(make_user("moderator2", groups=("Editors",), perms=("federation.change_reply",)))
    assert client.post(MODERATE, {"action": f"hide:{new.pk}"}).status_code == 302
    assert Reply.objects.get().status == Reply.Status.HIDDEN


def test_each_section_has_its_own_permission(client, outlet):
    client.force_login(make_user("audience", groups=("Editors",),
                                 perms=("federation.view_follower", "federation.view_delivery",
                                        "federation.view_blockeddomain")))
    for url in (FOLLOWERS, DELIVERIES, BLOCKED):
        assert client.get(url).status_code == 200, url
    assert client.get(REPLIES).status_code == 302
    client.post(BLOCKED + "new/", {"domain": "spam.example"})
    assert not BlockedDomain.objects.exists()


# Queries do not grow with content


def fill(actor: Actor, article, count: int) -> None:
    start = RemoteActor.objects.count()
    for number in range(start, start + count):
        account = remote(f"user{number}", f"s{number % 4}.example")
        follow(actor, account, days_ago=number % 40 + 1, removed_days_ago=(number % 3) or None)
        reply(account, f"Reply {number}", article=article if number % 3 != 1 else None,
              status=[Reply.Status.NEW, Reply.Status.READ, Reply.Status.HIDDEN][number % 3])
        BlockedDomain.objects.create(domain=f"blocked{number}.example", reason="Spam")
    deliveries(actor, count)
    Inbox.objects.update(unreachable_since=ago(1), failures=9)


def queries(client, url: str) -> int:
    client.get(url)  # caches (site, menus) warm
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", [FOLLOWERS, FOLLOWERS + "?actor={pk}&status=current",
                                 FOLLOWERS + "?export=csv", REPLIES, REPLIES + "?status=all", BLOCKED,
                                 DELIVERIES])
def test_pages_do_not_grow_queries_with_content(boss, outlet, outlet_actor, url):
    url = url.format(pk=outlet_actor.pk)
    article = outlet.add_article("Dockers strike")
    fill(outlet_actor, article, 3)
    few = queries(boss, url)
    fill(outlet_actor, article, 27)
    assert Follower.objects.count() == Reply.objects.count() == OutgoingActivity.objects.count() == 30
    assert queries(boss, url) == few
    assert few <= 25


def test_each_page_names_itself_in_the_breadcrumbs(boss):
    for url, title in ((FOLLOWERS, "Fediverse followers"), (REPLIES, "Fediverse replies"),
                       (DELIVERIES, "Fediverse deliveries")):
        crumbs = html.fromstring(boss.get(url).content).cssselect(".w-breadcrumbs")[0].text_content()
        assert title in crumbs, url
