"""A reader in headless Chromium: home, an article, the Spanish translation.

Drives Debian's chromium through Playwright; every request the pages make is recorded
and must stay on the site, and the console must stay free of errors.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import needs_chromium

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.fixture
def bilingual_story(outlet):
    from samizdat.home.models import FeaturedStory

    article = outlet.add_article("Dockers Walk Out", dek="The port stopped at dawn.", dateline="Marseille")
    translation = article.copy_for_translation(outlet.es, copy_parents=True)
    translation.title = "Los estibadores paran"
    translation.dek = "El puerto se detuvo al amanecer."
    translation.save_revision().publish()
    home = outlet.home
    home.lead_story = article
    home.featured.add(FeaturedStory(article=outlet.add_article("Second Story")))
    home.save_revision().publish()
    return article


HEADING_LEVELS = """() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))
    .map(h => Number(h.tagName[1]))"""


def assert_accessible_basics(page) -> None:
    """Landmarks, a skip link first, one h1, no skipped heading level, alt on every image."""
    for landmark in ("header", "nav", "main", "footer"):
        assert page.locator(landmark).count() >= 1, landmark
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.getAttribute('href')")
    assert focused == "#main", "the first Tab reaches the skip link"
    levels = page.evaluate(HEADING_LEVELS)
    assert levels.count(1) == 1
    assert all(after - before <= 1 for before, after in zip(levels, levels[1:], strict=False)), levels
    assert page.locator("img:not([alt])").count() == 0


def test_reader_follows_an_article_and_switches_language(live_server, browser, bilingual_story):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    requested: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)

    page.goto(live_server.url + "/")
    assert page.locator("h1, h2").first.is_visible()
    assert_accessible_basics(page)
    page.get_by_role("link", name="Dockers Walk Out").first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == bilingual_story.url
    assert page.locator("h1").inner_text().strip() == "Dockers Walk Out"
    assert "Rosa Marín" in page.locator("main").inner_text()
    assert page.locator("main time[datetime]").count() >= 1
    lead = page.locator("main img").first
    lead.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=lead.element_handle())

    assert_accessible_basics(page)

    page.locator('a[hreflang="es"]').first.click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path.startswith("/es/")
    assert page.locator("h1").inner_text().strip() == "Los estibadores paran"
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Rosa Marín" in page.locator("main").inner_text()
    assert page.locator("main time[datetime]").count() >= 1

    site = urlsplit(live_server.url).netloc
    outside = [url for url in requested if urlsplit(url).netloc not in (site, "")]
    assert outside == [], f"requests left the site: {outside}"
    assert errors == [], errors


def test_video_loads_from_the_provider_only_after_a_click(live_server, browser, outlet):
    video = outlet.add_article("Picket Line Live", kind="video",
                               video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    page = browser.new_page()
    site = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def block_outside(route):
        outside.append(route.request.url)
        route.abort()

    page.route(lambda url: urlsplit(url).netloc not in (site, ""), block_outside)
    page.goto(live_server.url + video.url)
    page.wait_for_load_state("load")
    assert page.locator("iframe").count() == 0
    assert outside == []
    page.get_by_role("button", name="Play video").first.click()
    frame = page.locator("iframe")
    frame.wait_for(state="attached")
    assert frame.get_attribute("src").startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")


def test_reader_searches_from_the_masthead(live_server, browser, bilingual_story):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + bilingual_story.url)
    page.get_by_role("searchbox").fill("dockers")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=dockers*")
    assert page.locator("article.search-result h2 a").all_inner_texts() == ["Dockers Walk Out"]
    assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    assert_accessible_basics(page)
    site = urlsplit(live_server.url).netloc
    assert {urlsplit(url).netloc for url in requested} == {site}
