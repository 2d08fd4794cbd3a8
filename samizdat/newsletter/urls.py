"""Public newsletter URLs outside the page tree, per language: one-click unsubscribe (RFC 8058)
the quick subscribe form of every page's footer, and the old spelling of page links' tokens.

Plain views rather than page routes: mail apps POST to the first without a CSRF token, and the
footer form carries none so that reading pages set no cookie (see `views.quick_subscribe`).
"""

from django.urls import path, re_path

from samizdat.newsletter import views

urlpatterns = [
    path("newsletter/subscribe/", views.quick_subscribe, name="newsletter_quick_subscribe"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="newsletter_unsubscribe"),
    # Mails sent before links were route-safe carry "12:abc" tokens, which Wagtail's page route
    # refuses: they redirect to the "12_abc" spelling the newsletter page reads.
    re_path(r"^(?:[\w\-]+/)*(?:preferences|confirm)/[\w\-]*:[\w\-:]*/$", views.route_safe_link),
]
