"""Public newsletter URLs outside the page tree, per language: one-click unsubscribe (RFC 8058)
and the quick subscribe form of every page's footer.

Plain views rather than page routes: mail apps POST to the first without a CSRF token, and the
footer form carries none so that reading pages set no cookie (see `views.quick_subscribe`).
"""

from django.urls import path

from samizdat.newsletter import views

urlpatterns = [
    path("newsletter/subscribe/", views.quick_subscribe, name="newsletter_quick_subscribe"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="newsletter_unsubscribe"),
]
