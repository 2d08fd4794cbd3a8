"""URLs: admin, documents, media, then every public page in the Wagtail tree, per language."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve as serve_static_file
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from samizdat.core import routing

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("samizdat.syndication.sitemap_urls")),
    path("", include("samizdat.newsletter.webhook_urls")),
    path("", include("samizdat.newsletter.send_urls")),
    path("", include("samizdat.campaigns.urls")),
    path("", include("samizdat.federation.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve_static_file, {"document_root": settings.MEDIA_ROOT}),
    ]

# Wagtail's password/login helpers as they are; pages through our one-query router.
wagtail_helpers = [p for p in wagtail_urls.urlpatterns if getattr(p, "name", "") != "wagtail_serve"]
urlpatterns += i18n_patterns(
    *wagtail_helpers,
    path("", include("samizdat.search.urls")),
    path("", include("samizdat.newsletter.urls")),
    path("", include("samizdat.syndication.feed_urls")),
    re_path(wagtail_urls.serve_pattern, routing.serve, name="wagtail_serve"),
    prefix_default_language=False,
)

handler400 = "samizdat.core.views.bad_request"
handler404 = "samizdat.core.views.page_not_found"
handler500 = "samizdat.core.views.server_error"
