"""How other servers find the outlet and its authors: WebFinger, host-meta, NodeInfo, the actors,
their collections and the article objects, with the headers Mastodon expects and a fixed number
of queries however much content there is."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from lxml import etree
from lxml import html as lxml_html

from samizdat.federation import actors
from samizdat.federation.models import Actor, Follower, OutgoingActivity, RemoteActor

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"
AP = "application/activity+json"
ACTOR_URI = f"{ROOT}/ap/actors/outlet"


def get_json(client, url: str, accept: str = AP, status: int = 200, **params) -> dict:
    response = client.get(url, params or None, HTTP_ACCEPT=accept)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return json.loads(response.content)


def ap_get(client, url: str, status: int = 200) -> tuple[dict, object]:
    response = client.get(url, HTTP_ACCEPT=AP)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith(AP)
    assert "Accept" in response["Vary"]
    return json.loads(response.content), response


def federate(person) -> None:
    person.federated = True
    person.save()


# --- WebFinger ----------------------------------------------------------------------------------

def test_webfinger_finds_the_outlet_by_acct(client, outlet, django_assert_max_num_queries):
    client.get("/.well-known/webfinger", {"resource": "acct:outlet@localhost"})  # makes the actor
    with django_assert_max_num_queries(6):
        response = client.get("/.well-known/webfinger", {"resource": "acct:outlet@localhost"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jrd+json")
    data = json.loads(response.content)
    assert data["subject"] == "acct:outlet@localhost"
    assert ACTOR_URI in data["aliases"]
    links = {link["rel"]: link for link in data["links"]}
    assert links["self"] == {"rel": "self", "type": AP, "href": ACTOR_URI}
    assert links["http://webfinger.net/rel/profile-page"]["href"] == f"{ROOT}/"
    # Mastodon's reverse check: the self link's actor names the same account.
    actor = get_json(client, links["self"]["href"])
    assert actor["preferredUsername"] == "outlet" and actor["id"] == ACTOR_URI


@pytest.mark.parametrize("resource", ["outlet@localhost", "@outlet@localhost", "acct:OUTLET@LOCALHOST",
                                      "acct:outlet@localhost:80", ACTOR_URI])
def test_webfinger_accepts_other_spellings_and_the_actor_url(client, outlet, resource):
    data = get_json(client, "/.well-known/webfinger", resource=resource)
    assert data["subject"] == "acct:outlet@localhost"


def test_webfinger_finds_each_language_and_federated_authors(client, outlet):
    spanish = get_json(client, "/.well-known/webfinger", resource="acct:outlet_es@localhost")
    assert spanish["subject"] == "acct:outlet_es@localhost"
    assert {link["rel"]: link["href"] for link in spanish["links"]}["http://webfinger.net/rel/profile-page"] \
        == f"{ROOT}/es/"
    get_json(client, "/.well-known/webfinger", status=404, resource="acct:rosa_marin@localhost")
    federate(outlet.author)
    author = get_json(client, "/.well-known/webfinger", resource="acct:rosa_marin@localhost")
    links = {link["rel"]: link["href"] for link in author["links"]}
    assert links["self"] == f"{ROOT}/ap/actors/rosa_marin"
    assert links["http://webfinger.net/rel/profile-page"] == f"{ROOT}/authors/rosa-marin/"


@pytest.mark.parametrize(("resource", "status"), [
    ("", 400), ("acct:", 400), ("acct:outlet", 400), ("outlet", 400), ("acct:@localhost", 400),
    ("acct:a@b@localhost", 400), ("mailto:outlet@localhost", 404),
    ("acct:nobody@localhost", 404), ("acct:outlet@elsewhere.example", 404),
    ("acct:rosa_marin@localhost", 404),
    (f"{ROOT}/labor/", 404), ("https://elsewhere.example/ap/actors/outlet", 404),
    ("acct:" + "x" * 300 + "@localhost", 404),
])
def test_webfinger_refuses_bad_and_unknown_resources(client, outlet, resource, status):
    response = client.get("/.well-known/webfinger", {"resource": resource} if resource else None)
    assert response.status_code == status
    assert "error" in json.loads(response.content)


def test_webfinger_without_a_resource_is_a_bad_request(client, outlet):
    assert client.get("/.well-known/webfinger").status_code == 400
    assert client.post("/.well-known/webfinger", {"resource": "acct:outlet@localhost"}).status_code == 405


# --- host-meta and NodeInfo ---------------------------------------------------------------------

def test_host_meta_points_to_webfinger_in_xml_and_json(client, outlet):
    response = client.get("/.well-known/host-meta")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xrd+xml")
    root = etree.fromstring(response.content)
    namespace = "{http://docs.oasis-open.org/ns/xri/xrd-1.0}"
    assert root.tag == f"{namespace}XRD"
    link = root.find(f"{namespace}Link")
    assert link.get("rel") == "lrdd"
    assert link.get("template") == f"{ROOT}/.well-known/webfinger?resource={{uri}}"

    data = get_json(client, "/.well-known/host-meta", accept="application/json")
    assert data["links"] == [{"rel": "lrdd", "template": f"{ROOT}/.well-known/webfinger?resource={{uri}}"}]


def test_nodeinfo_counts_actors_and_live_articles(client, outlet, django_assert_max_num_queries):
    outlet.add_article("Dockers Walk Out")
    outlet.add_article("Second Story")
    outlet.add_article("A Draft", publish=False).unpublish()
    federate(outlet.author)
    discovery = get_json(client, "/.well-known/nodeinfo", accept="application/json")
    link = discovery["links"][0]
    assert link["rel"] == "http://nodeinfo.diaspora.software/ns/schema/2.1"
    assert link["href"] == f"{ROOT}/nodeinfo/2.1"
    with django_assert_max_num_queries(5):
        response = client.get("/nodeinfo/2.1")
    assert 'profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"' in response["Content-Type"]
    data = json.loads(response.content)
    assert data["version"] == "2.1"
    assert data["software"]["name"] == "samizdat" and data["software"]["version"]
    assert data["protocols"] == ["activitypub"]
    assert data["openRegistrations"] is False
    assert data["usage"]["users"]["total"] == 3  # outlet, outlet_es, rosa_marin
    assert data["usage"]["localPosts"] == 2
    assert data["metadata"]["nodeName"] == "The Test Ledger"


# --- Actors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("accept", [AP, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
                                    "application/activity+json, application/ld+json", "*/*"])
def test_actor_answers_json_to_activitypub_clients(client, outlet, accept):
    response = client.get("/ap/actors/outlet", HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(AP)
    assert "Accept" in response["Vary"]
    data = json.loads(response.content)
    assert data["type"] == "Organization" and data["id"] == ACTOR_URI


def test_a_browser_is_sent_to_the_actors_page(client, outlet):
    response = client.get("/ap/actors/outlet_es", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 302 and response["Location"] == f"{ROOT}/es/"
    assert "Accept" in response["Vary"]


def test_unknown_actors_are_404_json(client, outlet):
    for username in ("nobody", "rosa_marin", "x" * 200):
        data, _response = ap_get(client, f"/ap/actors/{username}", status=404)
        assert "error" in data
        ap_get(client, f"/ap/actors/{username}/outbox", status=404)
        ap_get(client, f"/ap/actors/{username}/followers", status=404)
        ap_get(client, f"/ap/actors/{username}/featured", status=404)


def test_actor_queries_do_not_grow_with_content(client, outlet, django_assert_max_num_queries):
    from samizdat.core.models import OutletSettings

    OutletSettings.objects.update_or_create(site=outlet.home.get_site(), defaults={
        "description": "News from the shop floor.", "logo": outlet.image, "share_image": outlet.image})
    federate(outlet.author)
    outlet.author.photo = outlet.image
    outlet.author.save()
    for username in ("outlet", "rosa_marin", "instance"):
        client.get(f"/ap/actors/{username}", HTTP_ACCEPT=AP)  # makes the actor and its key
    outlet.add_articles(15)
    for username in ("outlet", "rosa_marin", "instance"):
        with django_assert_max_num_queries(7):
            data, _response = ap_get(client, f"/ap/actors/{username}")
        assert data["preferredUsername"] == username


# --- Collections --------------------------------------------------------------------------------

def test_outbox_has_the_newest_articles_as_creates(client, outlet, django_assert_max_num_queries):
    outlet.add_articles(23)
    outlet.add_article("Newest Story")
    client.get("/ap/actors/outlet", HTTP_ACCEPT=AP)
    with django_assert_max_num_queries(16):
        data, _response = ap_get(client, "/ap/actors/outlet/outbox")
    assert data["type"] == "OrderedCollection" and data["id"] == f"{ACTOR_URI}/outbox"
    assert data["totalItems"] == 24
    items = data["orderedItems"]
    assert len(items) == 20
    assert all(item["type"] == "Create" and item["actor"] == ACTOR_URI for item in items)
    assert items[0]["object"]["name"] == "Newest Story"
    assert items[1]["object"]["name"] == "Story 22"
    assert len({item["id"] for item in items}) == 20
    # The same ids on every fetch.
    again, _response = ap_get(client, "/ap/actors/outlet/outbox")
    assert [item["id"] for item in again["orderedItems"]] == [item["id"] for item in items]


def test_outbox_of_an_author_and_of_another_language(client, outlet):
    outlet.add_article("Dockers Walk Out")
    federate(outlet.author)
    data, _response = ap_get(client, "/ap/actors/rosa_marin/outbox")
    assert data["totalItems"] == 1
    assert data["orderedItems"][0]["object"]["attributedTo"] == f"{ROOT}/ap/actors/rosa_marin"
    spanish, _response = ap_get(client, "/ap/actors/outlet_es/outbox")
    assert spanish["totalItems"] == 0 and spanish["orderedItems"] == []
    # The outlet shows its author's article as a boost: the author sent it.
    outlet_box, _response = ap_get(client, "/ap/actors/outlet/outbox")
    shared = outlet_box["orderedItems"][0]
    assert shared["type"] == "Announce" and shared["actor"] == ACTOR_URI
    assert shared["object"] == data["orderedItems"][0]["object"]["id"]


def test_followers_counts_current_followers_only(client, outlet):
    actor = actors.outlet_actor()
    for number, removed in enumerate([None, None, timezone.now()]):
        remote = RemoteActor.objects.create(
            uri=f"https://social.example/users/u{number}", username=f"u{number}", domain="social.example",
            inbox=f"https://social.example/users/u{number}/inbox", key_id=f"https://social.example/users/u{number}#k",
            public_key="-")
        Follower.objects.create(actor=actor, remote=remote, follow_id=f"https://social.example/f/{number}",
                                removed_at=removed)
    data, _response = ap_get(client, "/ap/actors/outlet/followers")
    assert data == {**data, "id": f"{ACTOR_URI}/followers", "type": "OrderedCollection", "totalItems": 2}
    spanish, _response = ap_get(client, "/ap/actors/outlet_es/followers")
    assert spanish["totalItems"] == 0


def test_featured_are_the_home_pages_featured_stories(client, outlet, django_assert_max_num_queries):
    from samizdat.home.models import FeaturedStory

    first = outlet.add_article("First Pick")
    second = outlet.add_article("Second Pick")
    withdrawn = outlet.add_article("Withdrawn Pick")
    outlet.add_articles(5)
    for order, article in enumerate([second, first, withdrawn]):
        FeaturedStory.objects.create(home=outlet.home, article=article, sort_order=order)
    withdrawn.unpublish()
    client.get("/ap/actors/outlet", HTTP_ACCEPT=AP)
    with django_assert_max_num_queries(16):
        data, _response = ap_get(client, "/ap/actors/outlet/featured")
    assert data["type"] == "OrderedCollection" and data["id"] == f"{ACTOR_URI}/featured"
    assert data["totalItems"] == 2
    assert [item["name"] for item in data["orderedItems"]] == ["Second Pick", "First Pick"]
    assert data["orderedItems"][0]["id"] == f"{ROOT}/ap/articles/{second.pk}"
    spanish, _response = ap_get(client, "/ap/actors/outlet_es/featured")
    assert spanish["totalItems"] == 0


# --- Article objects ----------------------------------------------------------------------------

def test_article_object_and_a_browser_redirect(client, outlet, django_assert_max_num_queries):
    article = outlet.add_article("Dockers Walk Out")
    client.get(f"/ap/articles/{article.pk}", HTTP_ACCEPT=AP)
    with django_assert_max_num_queries(12):
        data, _response = ap_get(client, f"/ap/articles/{article.pk}")
    assert data["id"] == f"{ROOT}/ap/articles/{article.pk}" and data["type"] == "Article"
    assert data["url"] == article.full_url
    response = client.get(f"/ap/articles/{article.pk}", HTTP_ACCEPT="text/html")
    assert response.status_code == 302 and response["Location"] == article.full_url


def test_article_object_is_404_for_other_pages_and_410_once_withdrawn(client, outlet):
    article = outlet.add_article("Dockers Walk Out")
    draft = outlet.add_article("Never Out")
    draft.unpublish()
    for page_id in (outlet.section.pk, outlet.home.pk, draft.pk, 999999, 2**40):
        ap_get(client, f"/ap/articles/{page_id}", status=404)
    object_id = f"{ROOT}/ap/articles/{article.pk}"
    OutgoingActivity.objects.create(actor=actors.outlet_actor(), type="Create", object_uri=object_id,
                                    payload={})
    article.unpublish()
    gone, _response = ap_get(client, f"/ap/articles/{article.pk}", status=410)
    assert gone["type"] == "Tombstone" and gone["id"] == object_id
    OutgoingActivity.objects.create(actor=actors.outlet_actor(), type="Delete", object_uri=object_id,
                                    payload={})
    article.delete()
    gone, _response = ap_get(client, f"/ap/articles/{article.pk}", status=410)
    assert gone["type"] == "Tombstone" and gone["deleted"].endswith("Z")


# --- Article pages ------------------------------------------------------------------------------

def test_article_pages_name_their_creators_and_their_object(client, outlet):
    from samizdat.articles.models import ArticleAuthor
    from samizdat.people.models import Person

    ana = Person.objects.create(name="Ana Ruiz", slug="ana-ruiz", federated=True)
    nobody = Person.objects.create(name="No Handle", slug="no-handle")
    article = outlet.add_article("Dockers Walk Out")
    ArticleAuthor.objects.filter(article=article).update(sort_order=0)  # Rosa first
    for order, person in enumerate([ana, nobody], start=1):
        ArticleAuthor.objects.create(article=article, person=person, sort_order=order)
    head = lxml_html.fromstring(client.get(article.url).content).find("head")
    creators = [tag.get("content") for tag in head.xpath('//meta[@name="fediverse:creator"]')]
    assert creators == ["@rosa@social.example", "@ana_ruiz@localhost"]
    links = head.xpath('//link[@rel="alternate"][@type="application/activity+json"]')
    assert [link.get("href") for link in links] == [f"{ROOT}/ap/articles/{article.pk}"]
    # The account on our server is the one the page names.
    found = get_json(client, "/.well-known/webfinger", resource="acct:ana_ruiz@localhost")
    assert found["subject"] == "acct:ana_ruiz@localhost"
    assert Actor.objects.filter(person=ana).exists()
