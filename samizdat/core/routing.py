"""Serve public pages in a fixed, small number of queries.

Wagtail's own `serve` walks the tree one URL segment at a time and checks view
restrictions with two queries on every request. Here a page is found with one query
(the deepest live page whose url_path is a prefix of the request path, in the active
language) plus one for its specific fields, and view restrictions are checked only
for pages under a restricted subtree, from a cached list of restricted paths. What
Wagtail's hooks do (before_serve_page, on_serve_page) still runs.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail import hooks
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult
from wagtail.wagtail_hooks import check_view_restrictions

from samizdat.core.invalidation import tree_version

RESTRICTED_PATHS_KEY = "samizdat:restricted-paths"
MAX_COMPONENTS = 16


def restricted_paths() -> list[str]:
    """Tree paths of pages carrying a view restriction (cached; usually empty)."""
    paths = cache.get(RESTRICTED_PATHS_KEY)
    if paths is None:
        paths = list(PageViewRestriction.objects.values_list("page__path", flat=True))
        cache.set(RESTRICTED_PATHS_KEY, paths, None)
    return paths


@receiver([post_save, post_delete], sender=PageViewRestriction)
def forget_restricted_paths(**kwargs) -> None:
    cache.delete(RESTRICTED_PATHS_KEY)


def is_restricted(page: Page) -> bool:
    return any(page.path.startswith(path) for path in restricted_paths())


def exclude_restricted(queryset: QuerySet) -> QuerySet:
    """Listings leave out pages in private subtrees, without a query when there are none."""
    paths = restricted_paths()
    if not paths:
        return queryset
    private = Q()
    for path in paths:
        private |= Q(path__startswith=path)
    return queryset.exclude(private)


def site_root_path(site: Site, language: str) -> str | None:
    """The url_path of the site's home in `language`, from Wagtail's cached root paths."""
    for root in Site.get_site_root_paths():
        if root.site_id == site.pk and root.language_code == language:
            return root.root_path
    return None


SITE_KEY = "samizdat:site:{host}:{port}:{version}"


def site_for_request(request: HttpRequest) -> Site | None:
    """Wagtail's Site for the request's host, cached until a page or site changes."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    host, port = split_domain_port(request._get_raw_host())[0], request.get_port()
    key = SITE_KEY.format(host=host, port=port, version=tree_version())
    site = cache.get(key)
    if site is None:
        site = Site.find_for_request(request)
        cache.set(key, site or False, 60 * 60)
    request._wagtail_site = site or None
    return request._wagtail_site


def route_request(request: HttpRequest, path: str) -> RouteResult | None:
    """Find the page (and routable sub-view) for a request path, or None."""
    site = site_for_request(request)
    components = [component for component in path.split("/") if component]
    if site is None or len(components) > MAX_COMPONENTS:
        return None
    language = get_language()
    root_path = site_root_path(site, language)
    if root_path is None:
        return None
    candidates = [root_path + "".join(f"{c}/" for c in components[:n]) for n in range(len(components) + 1)]
    found = (
        Page.objects.filter(url_path__in=candidates, live=True, locale__language_code=language)
        .order_by("-depth")
        .values_list("pk", "depth", "content_type_id")
        .first()
    )
    if found is None:
        return None
    pk, depth, content_type_id = found
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:
        return None
    queryset = model.objects.all()
    related = getattr(model, "serve_select_related", ())
    if related:
        queryset = queryset.select_related(*related)
    page = queryset.get(pk=pk)
    consumed = depth - root_path.count("/")  # a url_path has one slash per tree level
    try:
        return page.route(request, components[consumed:])
    except Http404:
        return None


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Drop-in for wagtail.views.serve (see module docstring)."""
    result = route_request(request, path)
    if result is None:
        raise Http404
    page, args, kwargs = result
    on_serve_hooks = hooks.get_hooks("on_serve_page")
    if not is_restricted(page):
        on_serve_hooks = [fn for fn in on_serve_hooks if fn is not check_view_restrictions]

    def serve_chain(page, request, args, kwargs):
        return page.serve(request, *args, **kwargs)

    chain = serve_chain
    for fn in reversed(on_serve_hooks):
        chain = fn(chain)
    for fn in hooks.get_hooks("before_serve_page"):
        response = fn(page, request, args, kwargs)
        if isinstance(response, HttpResponse):
            return response
    return chain(page, request, args, kwargs)
