"""Print the pages to benchmark, one "name<TAB>path" line each.

Run through `manage.py shell -c "$(cat bench/urls.py)"`: it asks Django for the English home,
the first live English section and the newest live English article, so the benchmark
follows whatever `load_demo` created.
"""

from samizdat.articles.models import ArticlePage, SectionPage
from samizdat.home.models import HomePage


def bench_path(page):
    # get_url_parts() -> (site_id, root_url, path); the path carries any language prefix.
    parts = page.get_url_parts() if page else None
    return parts[2] if parts else None


pages = {
    "home": HomePage.objects.live().filter(locale__language_code="en").first(),
    "section": SectionPage.objects.live().filter(locale__language_code="en").first(),
    "article": ArticlePage.objects.live()
    .filter(locale__language_code="en")
    .order_by("-display_date", "-pk")
    .first(),
}
for name, page in pages.items():
    print(f"BENCHURL\t{name}\t{bench_path(page) or ''}")
