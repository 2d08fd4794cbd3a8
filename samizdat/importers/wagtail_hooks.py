"""Old WordPress query-string permalinks (/?p=123, /?page_id=7) redirect from the home page.

Wagtail's redirect middleware only acts on 404s, and "/" is the home page, so an imported
/?p=123 redirect would never fire: this hook looks it up before the home page is served,
only when such a parameter is present (no query otherwise).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from wagtail import hooks
from wagtail.models import Page

WORDPRESS_PARAMETERS = ("p", "page_id", "cat", "tag")


@hooks.register("before_serve_page")
def redirect_wordpress_query_links(page: Page, request: HttpRequest, serve_args, serve_kwargs
                                   ) -> HttpResponse | None:
    if page.depth != 2 or not any(name in request.GET for name in WORDPRESS_PARAMETERS):
        return None
    from wagtail.contrib.redirects.models import Redirect

    site = page.get_site()
    candidates = [Redirect.normalise_path(request.get_full_path())] + [
        f"/?{name}={request.GET[name]}" for name in WORDPRESS_PARAMETERS if name in request.GET
    ]
    found = {r.old_path: r for r in Redirect.get_for_site(site).filter(old_path__in=candidates)
             .select_related("redirect_page")}
    redirect = next((found[path] for path in candidates if path in found), None)
    if redirect is None or not redirect.link:
        return None
    return HttpResponsePermanentRedirect(redirect.link)
