"""An editor writes an article in the Wagtail admin, submits it, a moderator publishes it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from samizdat.articles.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(outlet):
    user = User.objects.create_user("ed", "ed@example.org", "pw-for-tests-1")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def moderator(outlet):
    user = User.objects.create_user("mo", "mo@example.org", "pw-for-tests-2")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def article_form(client, outlet, **overrides) -> dict:
    """The admin's add-article form as a browser would submit it."""
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", outlet.section.pk))
    page = client.get(url)
    assert page.status_code == 200
    data = querydict_from_html(page.content.decode(), form_id="page-edit-form").dict()
    data.update(nested_form_data({
        "title": "Nurses Vote to Strike",
        "slug": "nurses-vote-to-strike",
        "dek": "Ninety-one percent said yes.",
        "kind": "article",
        "display_date": timezone.now().strftime("%Y-%m-%d %H:%M"),
        "dateline": "Madrid",
        "lead_image": outlet.image.pk,
        "lead_image_caption": "The count at the union hall.",
        "authors": inline_formset([{"person": outlet.author.pk}]),
        "chosen_related": inline_formset([]),
        "body": streamfield([("paragraph", rich_text("<p>The ballot closed at noon.</p>"))]),
    }))
    data["topics"] = [outlet.topic.pk]
    data.update(overrides)
    return url, data


def test_editor_writes_submits_and_moderator_publishes(client, outlet, editor, moderator):
    client.force_login(editor)
    url, data = article_form(client, outlet, **{"action-submit": "Submit for moderation"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = ArticlePage.objects.get(slug="nurses-vote-to-strike")
    assert not article.live
    year, month = article.display_date.strftime("%Y"), article.display_date.strftime("%m")
    assert article.get_parent().url_path.endswith(f"/labor/{year}/{month}/"), "filed by month"
    assert article.section_id == outlet.section.pk
    assert client.get(article.url or "/labor/").status_code in (200, 404)

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(article.pk,)))
    draft = querydict_from_html(edit.content.decode(), form_id="page-edit-form").dict()
    draft.update(data)
    draft.update(nested_form_data({"body": streamfield([("paragraph", rich_text("<p>Draft words.</p>"))])}))
    assert client.post(preview_url, draft).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert "Draft words." in preview.content.decode()

    state = article.current_workflow_state
    assert state is not None and state.status == "in_progress"
    client.force_login(moderator)
    approve = reverse("wagtailadmin_pages:workflow_action",
                      args=(article.pk, "approve", state.current_task_state.pk))
    response = client.post(approve, {"comment": "Good to go"})
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert article.live
    page = client.get(article.url)
    assert page.status_code == 200
    assert "Nurses Vote to Strike" in page.content.decode()
    assert "Rosa Marín" in page.content.decode()


def test_moderator_schedules_publication(client, outlet, moderator):
    client.force_login(moderator)
    go_live = timezone.now() + datetime.timedelta(hours=2)
    url, data = article_form(client, outlet, **{
        "action-publish": "Publish", "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = ArticlePage.objects.get(slug="nurses-vote-to-strike")
    assert not article.live
    revision = Revision.page_revisions.get(object_id=str(article.pk), approved_go_live_at__isnull=False)
    assert client.get(f"/labor/{go_live:%Y}/{go_live:%m}/nurses-vote-to-strike/").status_code == 404

    # Two hours pass: move the schedule into the past, then run the scheduler's command.
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    call_command("publish_scheduled")
    article.refresh_from_db()
    assert article.live
    assert client.get(article.url).status_code == 200


def test_video_article_without_a_video_address_is_a_form_error(client, outlet, moderator):
    client.force_login(moderator)
    url, data = article_form(client, outlet, kind="video", **{"action-publish": "Publish"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A video article needs the address of its video." in response.content.decode()
    assert not ArticlePage.objects.filter(slug="nurses-vote-to-strike").exists()


def test_lead_image_without_alt_text_is_a_form_error(client, outlet, moderator):
    outlet.image.description = ""
    outlet.image.save()
    client.force_login(moderator)
    url, data = article_form(client, outlet, **{"action-publish": "Publish"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "This image has no alt text" in response.content.decode()


def test_editors_manage_topics_and_contributors(client, editor):
    client.force_login(editor)
    assert client.get(reverse("wagtailsnippets_articles_topic:add")).status_code == 200
    assert client.get(reverse("wagtailsnippets_people_person:add")).status_code == 200


def test_article_form_offers_topics_in_the_articles_language(client, outlet, editor):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", outlet.section_es.pk))
    html = client.get(url).content.decode()
    assert "Huelgas" in html
    assert "Strikes" not in html
