"""The search page and its index, on SQLite (fallback) and PostgreSQL (full-text engine)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import html as lxml_html

from samizdat.search.models import SearchEntry

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


@pytest.fixture
def publish(outlet, django_capture_on_commit_callbacks):
    """Publish an article through Wagtail and run what the commit queues (the index task)."""

    def publish_article(title: str, body: str = "", **fields):
        if body:
            fields["body"] = [("paragraph", f"<p>{body}</p>")]
        with django_capture_on_commit_callbacks(execute=True):
            return outlet.add_article(title, **fields)

    return publish_article


@pytest.fixture
def spanish_article(outlet, django_capture_on_commit_callbacks):
    """A Spanish article in the Trabajo section, about a strike ("huelga")."""

    def add(title: str, body: str, **fields):
        fields.setdefault("when", timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            article = outlet.add_article(
                title, section=outlet.section_es, locale=outlet.es,
                body=[("paragraph", f"<p>{body}</p>")], **fields,
            )
        return article

    return add


def titles(response) -> list[str]:
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    links = tree.xpath('//article[contains(@class, "search-result")]//h2/a')
    return [node.text_content().strip() for node in links]


def passages(response) -> list[str]:
    tree = lxml_html.fromstring(response.content)
    nodes = tree.xpath('//p[contains(@class, "passage")]')
    return [lxml_html.tostring(node, encoding="unicode") for node in nodes]


def test_title_match_outranks_body_only_match(client, publish):
    publish("Port news roundup", body="The dockworkers walked out at dawn.", dek="Ships waited.",
            when=timezone.now())
    publish("Dockworkers walk out", body="Nothing else to say.", dek="At dawn.",
            when=timezone.now() - datetime.timedelta(days=30))
    assert titles(client.get("/search/?q=dockworkers")) == ["Dockworkers walk out", "Port news roundup"]


def test_sort_by_date_puts_newest_first(client, publish):
    publish("Dockworkers walk out", when=timezone.now() - datetime.timedelta(days=30))
    publish("Port news roundup", body="The dockworkers walked out.", when=timezone.now())
    response = client.get("/search/?q=dockworkers&sort=date")
    assert titles(response) == ["Port news roundup", "Dockworkers walk out"]


def test_authors_and_topics_are_searchable(client, publish, outlet):
    publish("Harbour report", body="Cranes stood still.")
    assert titles(client.get("/search/?q=Rosa+Marín")) == ["Harbour report"]
    assert titles(client.get("/search/?q=strikes")) == ["Harbour report"]  # the topic's name


def test_passage_marks_the_hit_and_escapes_the_text(client, publish):
    publish("Harbour report", dek="", body="Cranes &lt;script&gt;alert(1)&lt;/script&gt; stood still "
            "while Smith &amp; Sons' longshore workers held a picket at the gate.")
    response = client.get("/search/?q=picket")
    [passage] = passages(response)
    assert "<mark>picket</mark>" in passage
    assert "Smith &amp; Sons" in passage
    assert "<script>" not in response.content.decode()
    tree = lxml_html.fromstring(passage)
    assert [child.tag for child in tree] == ["mark"]


def test_filters_narrow_the_results(client, publish, outlet):
    from samizdat.articles.models import SectionPage, Topic

    culture = outlet.home.add_child(instance=SectionPage(title="Culture", slug="culture"))
    last_year = timezone.now() - datetime.timedelta(days=400)
    publish("Union choir sings", body="A union song.", section=culture, kind="interview", when=last_year)
    publish("Union drive", body="A union vote.")
    other = Topic.objects.create(name="Music", slug="music", locale=outlet.en)
    choir = SearchEntry.objects.get(title="Union choir sings").article
    choir.topics.set([other])
    choir.save()
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    both = ["Union drive", "Union choir sings"]
    assert sorted(titles(client.get("/search/?q=union"))) == sorted(both)
    assert titles(client.get("/search/?q=union&section=culture")) == ["Union choir sings"]
    assert titles(client.get("/search/?q=union&section=labor")) == ["Union drive"]
    assert titles(client.get("/search/?q=union&topic=music")) == ["Union choir sings"]
    assert titles(client.get("/search/?q=union&topic=strikes")) == ["Union drive"]
    assert titles(client.get("/search/?q=union&kind=interview")) == ["Union choir sings"]
    assert titles(client.get(f"/search/?q=union&year={last_year.year}")) == ["Union choir sings"]
    # Filters alone, without words, list the matching articles newest first.
    assert titles(client.get("/search/?kind=interview")) == ["Union choir sings"]


def test_language_defaults_to_the_page_language_with_all_as_a_choice(client, publish, spanish_article):
    publish("Dockers strike", body="Dockers strike in Rotterdam.")
    spanish_article("Huelga portuaria en Rotterdam", "Los estibadores de Rotterdam paran.")
    assert titles(client.get("/search/?q=rotterdam")) == ["Dockers strike"]
    assert titles(client.get("/es/search/?q=rotterdam")) == ["Huelga portuaria en Rotterdam"]
    assert titles(client.get("/search/?q=rotterdam&lang=es")) == ["Huelga portuaria en Rotterdam"]
    assert len(titles(client.get("/search/?q=rotterdam&lang=all"))) == 2
    # The Spanish page's section filter uses its own slugs and also covers translations.
    assert titles(client.get("/es/search/?q=rotterdam&section=trabajo&lang=all")) != []


def test_pagination_keeps_the_query_and_filters(client, publish, outlet):
    outlet.add_articles(25, prefix="Picket")
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    first = client.get("/search/?q=picket&kind=article&sort=date")
    assert len(titles(first)) == 20
    assert "25 results" in first.content.decode()
    tree = lxml_html.fromstring(first.content)
    [next_link] = tree.xpath('//nav[@class="pagination"]/a[@rel="next"]')
    href = next_link.get("href")
    assert "q=picket" in href and "kind=article" in href and "sort=date" in href and "page=2" in href
    second = client.get("/search/" + href)
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))


@pytest.mark.parametrize(
    "query",
    ["", "q=", "q=" + "strike " * 300, "q=" + "x" * 2000, "q=%21%21%21...%3F%3F",
     "q=%26%7C%21%3A%2A%28%29%27%22",
     "q=strike+%26+%7C+%21picket%3A%2A", "q=%27%29%3B+DROP+TABLE+search_searchentry%3B--", "q=%00strike%00",
     "q=%22unclosed+phrase", "q=-", "q=or", "q=the", "q=strike&section=nowhere&topic=nothing&kind=poem",
     "q=strike&lang=xx&year=abcd&sort=sideways&page=banana", "q=strike&year=99999&page=999999",
     "q=strike&lang=all&year=1066", "q=%F0%9F%94%A5", "q=%C3%B1and%C3%BA+%E0%A4%B9"],
)
def test_bad_input_gives_a_normal_page(client, publish, query):
    publish("Strike at the depot", body="A strike.")
    response = client.get(f"/search/?{query}")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<meta name="robots" content="noindex">' in content
    assert "<h1>Search</h1>" in content


def test_long_queries_are_cut_not_refused(client, publish):
    publish("Strike at the depot", body="A strike.")
    response = client.get("/search/?q=strike" + "+x" * 1000)
    tree = lxml_html.fromstring(response.content)
    assert len(tree.xpath('//input[@id="search-q"]')[0].get("value")) <= 200


def test_unpublishing_removes_from_results(client, publish, django_capture_on_commit_callbacks):
    article = publish("Strike at the depot", body="A strike.")
    assert titles(client.get("/search/?q=depot")) == ["Strike at the depot"]
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert titles(client.get("/search/?q=depot")) == []
    assert not SearchEntry.objects.filter(pk=article.pk).exists()


def test_deleting_removes_the_entry(publish, django_capture_on_commit_callbacks):
    article = publish("Strike at the depot", body="A strike.")
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not SearchEntry.objects.exists()


def test_restricted_pages_never_appear(client, publish, outlet):
    from wagtail.models import PageViewRestriction

    from samizdat.articles.models import SectionPage

    members = outlet.home.add_child(instance=SectionPage(title="Members", slug="members"))
    secret = publish("Secret strike plan", body="The strike plan.", section=members)
    publish("Public strike news", body="The strike news.")
    PageViewRestriction.objects.create(page=members, restriction_type="password", password="x")
    # Already indexed before the restriction: filtered out at query time.
    assert titles(client.get("/search/?q=strike")) == ["Public strike news"]
    # And not indexed again.
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert not SearchEntry.objects.filter(pk=secret.pk).exists()
    assert titles(client.get("/search/?q=strike")) == ["Public strike news"]


def test_page_carries_noindex_and_language_links_keep_the_query(client, publish):
    publish("Strike at the depot", body="A strike.")
    response = client.get("/search/?q=depot")
    content = response.content.decode()
    assert '<meta name="robots" content="noindex">' in content
    tree = lxml_html.fromstring(response.content)
    hrefs = [a.get("href") for a in tree.xpath('//nav[@class="languages"]//a')]
    assert "/es/search/?q=depot" in hrefs


def test_rebuild_command_reports_a_count(publish, outlet, capsys):
    publish("Strike at the depot", body="A strike.")
    outlet.add_articles(3)  # live without a publish signal: not indexed yet
    assert SearchEntry.objects.count() == 1
    call_command("rebuild_search_index", "--batch-size", "2")
    assert "Indexed 4 articles." in capsys.readouterr().out
    assert SearchEntry.objects.count() == 4


def test_rebuild_command_refuses_a_bad_batch_size():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_search_index", "--batch-size", "0")


def test_body_text_covers_headings_quotes_and_captions(client, outlet, django_capture_on_commit_callbacks):
    body = json.dumps([
        {"type": "heading", "value": {"text": "Wildcat", "level": "h2"}},
        {"type": "pull_quote", "value": {"text": "Solidarity forever"}},
        {"type": "block_quote", "value": {"text": "Bread and roses", "attribution": "Oppenheim"}},
    ])
    with django_capture_on_commit_callbacks(execute=True):
        outlet.add_article("Quiet day", body=body)
    for word in ("wildcat", "solidarity", "roses", "oppenheim"):
        assert titles(client.get(f"/search/?q={word}")) == ["Quiet day"], word


def queries_for(client, url: str) -> int:
    client.get(url)  # fills the site, menu and root-path caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    statements = [query["sql"].lstrip().upper() for query in captured.captured_queries]
    writes = [sql for sql in statements if not sql.startswith("SELECT")]
    assert writes == []
    return len(captured)


def test_query_count_is_small_and_does_not_grow(client, outlet):
    urls = ["/search/?q=story",
            "/search/?q=story&lang=all&sort=date&kind=article&topic=strikes&section=labor",
            "/es/search/?q=story&lang=all", "/search/?kind=article", "/search/"]
    outlet.add_articles(20)
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    small = [queries_for(client, url) for url in urls]
    outlet.add_articles(180, prefix="More story")
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))
    assert "200 results" in client.get(urls[0]).content.decode()
    large = [queries_for(client, url) for url in urls]
    print("search queries:", small)
    assert small == large
    assert max(small) <= MAX_QUERIES


# The worker closes a connection it finds in a transaction, hence a transactional test;
# serialized_rollback restores what migrations made (root page, locales) if a flush removed it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_publishing_queues_the_index_update_for_a_worker(settings, outlet, client):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    article = outlet.add_article("Night shift walkout", body=[("paragraph", "<p>A walkout.</p>")])
    assert not SearchEntry.objects.filter(pk=article.pk).exists()
    assert titles(client.get("/search/?q=walkout")) == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")
    assert SearchEntry.objects.filter(pk=article.pk).exists()
    assert titles(client.get("/search/?q=walkout")) == ["Night shift walkout"]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL full-text search (stemming, GIN index): run with a postgres DATABASE_URL")


def test_spanish_stemming_huelgas_finds_huelga(postgres, client, spanish_article):
    spanish_article("Paro en el puerto", "La huelga empezó al amanecer.")
    assert titles(client.get("/es/search/?q=huelgas")) == ["Paro en el puerto"]
    assert re.search(r"<mark>huelga</mark>", passages(client.get("/es/search/?q=huelgas"))[0])


def test_english_stemming_strikes_finds_striking(postgres, client, publish):
    publish("Depot news", body="Workers are striking at the depot.", dek="")
    publish("Depot update", body="The strike goes on.", dek="")
    assert sorted(titles(client.get("/search/?q=strikes"))) == ["Depot news", "Depot update"]


def test_gin_indexes_exist(postgres):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'search_searchentry'")
        definitions = [row[0] for row in cursor.fetchall()]
    partial = [definition for definition in definitions if "USING gin (search_vector) WHERE" in definition]
    assert len(partial) == 3, definitions  # English, Spanish, everything else


def test_operator_characters_reach_postgres_safely(postgres, client, publish):
    publish("Strike at the depot", body="A strike.")
    queries = ["strike & depot", "!strike", "strike:*", "(strike", "'strike'", '"strike depot"', "-strike"]
    for query in queries:
        assert client.get("/search/", {"q": query}).status_code == 200, query


def test_quoted_phrase_needs_the_words_together(postgres, client, publish):
    publish("Depot one", body="A general strike was called at dawn.", dek="")
    publish("Depot two", body="The general secretary said the strike goes on.", dek="")
    assert titles(client.get("/search/", {"q": '"general strike"'})) == ["Depot one"]
    assert sorted(titles(client.get("/search/", {"q": "general strike"}))) == ["Depot one", "Depot two"]
    assert titles(client.get("/search/", {"q": '"general strike"', "sort": "date"})) == ["Depot one"]


def test_renaming_an_author_or_topic_refreshes_their_articles(client, publish, outlet,
                                                              django_capture_on_commit_callbacks):
    publish("Depot vote", body="The vote is on.")
    assert titles(client.get("/search/?q=Marín")) == ["Depot vote"]
    with django_capture_on_commit_callbacks(execute=True):
        outlet.author.name = "Rosa Zetkin"
        outlet.author.save()
        outlet.topic.name = "Walkouts"
        outlet.topic.save()
    assert titles(client.get("/search/?q=Zetkin")) == ["Depot vote"]
    assert titles(client.get("/search/?q=walkouts")) == ["Depot vote"]
    assert titles(client.get("/search/?q=Marín")) == []
