"""The JSON documents themselves: actors, articles (FEP-b2b8 Article, or Note), and the Create,
Update and Delete activities delivery sends."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from samizdat.core.models import OutletSettings
from samizdat.federation import actors, documents
from samizdat.federation.actors import AS_CONTEXT, PUBLIC, SECURITY_CONTEXT

pytestmark = pytest.mark.django_db

ROOT = "http://localhost"


def federate(person) -> None:
    person.federated = True
    person.save()


def test_outlet_actor_document(outlet):
    OutletSettings.objects.update_or_create(site=outlet.home.get_site(), defaults={
        "description": "News <from> the shop floor & beyond.", "logo": outlet.image,
        "share_image": outlet.image})
    actor = actors.outlet_actor()
    data = json.loads(json.dumps(documents.actor_document(actor)))
    uri = f"{ROOT}/ap/actors/outlet"
    assert data["@context"][:2] == [AS_CONTEXT, SECURITY_CONTEXT]
    terms = data["@context"][2]
    assert terms["featured"]["@id"] == "toot:featured"
    assert terms["attributionDomains"]["@id"] == "toot:attributionDomains"
    assert data["id"] == uri and data["type"] == "Organization"
    assert data["preferredUsername"] == "outlet" and data["name"] == "The Test Ledger"
    assert data["summary"] == "<p>News &lt;from&gt; the shop floor &amp; beyond.</p>"
    assert data["url"] == f"{ROOT}/"
    assert data["inbox"] == f"{uri}/inbox" and data["outbox"] == f"{uri}/outbox"
    assert data["followers"] == f"{uri}/followers" and data["featured"] == f"{uri}/featured"
    assert data["endpoints"] == {"sharedInbox": f"{ROOT}/ap/inbox"}
    assert data["publicKey"] == {"id": actors.key_id(actor), "owner": uri, "publicKeyPem": actor.public_key}
    assert data["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert data["attributionDomains"] == ["localhost"]
    assert data["manuallyApprovesFollowers"] is False and data["discoverable"] is True
    assert data["published"].endswith("Z")
    for key in ("icon", "image"):
        image = data[key]
        assert image["type"] == "Image" and image["url"].startswith(f"{ROOT}/media/")
        assert image["mediaType"] in ("image/webp", "image/jpeg")
        assert image["name"] == "Strikers at the gate (alt text)"
    assert data["image"]["url"].endswith("fill-1200x675.format-webp.webp")


def test_outlet_actor_of_another_language_and_without_settings(outlet):
    data = documents.actor_document(actors.outlet_actor(outlet.es))
    assert data["preferredUsername"] == "outlet_es"
    assert data["name"] == "The Test Ledger (español)"
    assert data["url"] == f"{ROOT}/es/"
    assert data["summary"] == ""
    assert "icon" not in data and "image" not in data


def test_author_actor_document(outlet):
    outlet.author.photo = outlet.image
    outlet.author.bio = "Labor reporter.\n\nBased in <Lyon>."
    outlet.author.save()
    federate(outlet.author)
    actor = actors.author_actor(outlet.author)
    data = documents.actor_document(actor)
    assert data["type"] == "Person" and data["preferredUsername"] == "rosa_marin"
    assert data["name"] == "Rosa Marín"
    assert data["summary"] == "<p>Labor reporter.</p><p>Based in &lt;Lyon&gt;.</p>"
    assert data["url"] == f"{ROOT}/authors/rosa-marin/"
    assert data["icon"]["url"].startswith(f"{ROOT}/media/")
    assert data["publicKey"]["owner"] == data["id"] == actors.actor_uri(actor)


def test_instance_actor_document(outlet):
    data = documents.actor_document(actors.instance_actor())
    assert data["type"] == "Application" and data["preferredUsername"] == "instance"
    assert data["publicKey"]["id"] == f"{ROOT}/ap/actors/instance#main-key"
    assert "followers" not in data and "featured" not in data


def test_article_object_follows_fep_b2b8(outlet):
    body = [
        ("paragraph", '<p>Strikers <b>held</b> the gate. <a href="/labor/">More</a></p>'
                      '<script>alert(1)</script><p onclick="x()">Second.</p>'),
        ("heading", {"text": "What next", "level": "h2"}),
    ]
    article = outlet.add_article("Dockers <Walk> Out", dek="The port stopped at dawn & stayed shut.",
                                 body=body)
    data = json.loads(json.dumps(documents.article_object(article)))
    object_id = f"{ROOT}/ap/articles/{article.pk}"
    assert data["id"] == object_id and data["type"] == "Article"
    assert data["name"] == "Dockers <Walk> Out"  # plain text
    assert data["nameMap"] == {"en": data["name"]}
    assert data["summary"] == "<p>The port stopped at dawn &amp; stayed shut.</p>"
    assert data["summaryMap"] == {"en": data["summary"]}
    content = data["content"]
    assert data["contentMap"] == {"en": content} and data["mediaType"] == "text/html"
    assert "<script" not in content and "alert" not in content and "onclick" not in content
    assert "<b>held</b>" in content and "<h2>What next</h2>" in content
    fragment = lxml_html.fragment_fromstring(content, create_parent="div")
    assert [a.get("href") for a in fragment.iter("a")] == [f"{ROOT}/labor/"]
    assert not list(fragment.iter("img"))  # the lead image is the attachment
    assert data["url"] == article.full_url
    assert data["published"].endswith("Z") and "updated" not in data
    assert data["attributedTo"] == f"{ROOT}/ap/actors/outlet"
    assert data["to"] == [PUBLIC]
    assert data["cc"] == [f"{ROOT}/ap/actors/outlet/followers"]
    image = data["image"]
    assert image["type"] == "Image" and image["mediaType"] == "image/webp"
    assert image["url"].startswith(f"{ROOT}/media/") and image["name"] == "Strikers at the gate (alt text)"
    assert data["attachment"] == [image]
    assert data["tag"] == [{"type": "Hashtag", "href": f"{ROOT}/topics/strikes/", "name": "#Strikes"}]


def test_article_object_of_federated_authors_in_spanish(outlet):
    from samizdat.articles.models import ArticleAuthor
    from samizdat.people.models import Person

    federate(outlet.author)
    ana = Person.objects.create(name="Ana Ruiz", slug="ana-ruiz", federated=True)
    Person.objects.create(name="Offline", slug="offline")
    article = outlet.add_article("Huelga en el puerto", section=outlet.section_es, with_image=False,
                                 dek="", body=[("paragraph", "<p>Los estibadores pararon.</p>")])
    ArticleAuthor.objects.create(article=article, person=ana, sort_order=5)
    ArticleAuthor.objects.filter(article=article).exclude(person=ana).update(sort_order=0)
    article.topics.set([outlet.topic_es])
    article.save()
    data = documents.article_object(article)
    assert data["attributedTo"] == [f"{ROOT}/ap/actors/rosa_marin", f"{ROOT}/ap/actors/ana_ruiz"]
    assert data["cc"] == [f"{ROOT}/ap/actors/outlet_es/followers", f"{ROOT}/ap/actors/rosa_marin/followers",
                          f"{ROOT}/ap/actors/ana_ruiz/followers"]
    assert set(data["contentMap"]) == set(data["nameMap"]) == {"es"}
    assert data["summary"] == "<p>Los estibadores pararon.</p>"  # the excerpt, without a dek
    assert data["tag"] == [{"type": "Hashtag", "href": f"{ROOT}/es/topics/huelgas/", "name": "#Huelgas"}]
    assert "image" not in data and data["attachment"] == []


def test_article_as_note_carries_title_and_text_and_no_content_warning(outlet, settings):
    settings.FEDERATION_OBJECT_TYPE = "Note"
    article = outlet.add_article("Dockers Walk Out", dek="The port stopped.")
    data = documents.article_object(article)
    assert data["type"] == "Note"
    assert "name" not in data and "summary" not in data and "nameMap" not in data
    fragment = lxml_html.fragment_fromstring(data["content"], create_parent="div")
    text = fragment.text_content()
    assert text.index("Dockers Walk Out") < text.index("The port stopped.") < text.index("First paragraph")
    assert fragment.find(".//a").get("href") == article.full_url


def test_updated_only_after_an_edit(outlet):
    import datetime

    article = outlet.add_article("Dockers Walk Out")
    type(article).objects.filter(pk=article.pk).update(
        first_published_at=article.last_published_at - datetime.timedelta(hours=2))
    article.refresh_from_db()
    data = documents.article_object(article)
    assert data["updated"] == documents.stamp(article.last_published_at)


def test_article_objects_queries_do_not_grow(outlet, django_assert_max_num_queries):
    outlet.add_articles(3)
    from samizdat.articles.models import ArticlePage

    few = list(ArticlePage.objects.all())
    with django_assert_max_num_queries(12) as captured:
        documents.article_objects(few)
    outlet.add_articles(20, prefix="More")
    many = list(ArticlePage.objects.all())
    with django_assert_max_num_queries(len(captured)):
        objects = documents.article_objects(many)
    assert len(objects) == 23


def test_create_update_and_delete_activities(outlet):
    article = outlet.add_article("Dockers Walk Out")
    actor = actors.outlet_actor()
    obj = documents.article_object(article)
    create = documents.create_activity(actor, obj)
    again = documents.create_activity(actor, obj)
    assert create["type"] == "Create" and create["actor"] == actors.actor_uri(actor)
    assert create["id"] != again["id"] and create["id"].startswith(obj["id"] + "#create-")
    assert create["object"]["id"] == obj["id"] and "@context" not in create["object"]
    assert create["to"] == [PUBLIC] and create["cc"] == obj["cc"]
    assert create["published"] == obj["published"]
    assert create["@context"][0] == AS_CONTEXT

    update = documents.update_activity(actor, obj)
    assert update["type"] == "Update" and update["object"]["updated"].endswith("Z")
    assert update["id"] != documents.update_activity(actor, obj)["id"]

    delete = documents.delete_activity(actor, obj["id"])
    assert delete["type"] == "Delete" and delete["actor"] == actors.actor_uri(actor)
    assert delete["object"] == {"id": obj["id"], "type": "Tombstone"}
    assert delete["to"] == [PUBLIC] and delete["id"] != documents.delete_activity(actor, obj["id"])["id"]
    for activity in (create, update, delete):
        json.dumps(activity)


@pytest.mark.parametrize(("name", "tag"), [("Strikes", "#Strikes"), ("War in Ukraine", "#WarInUkraine"),
                                           ("Huelga general", "#HuelgaGeneral"), ("COVID-19", "#COVID19")])
def test_hashtag_names(name, tag):
    assert documents.hashtag_name(name) == tag
