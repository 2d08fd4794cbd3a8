"""The web version of a send that has no page of its own (a digest): its stored HTML."""

from django.urls import path

from samizdat.newsletter.digests import web_version

urlpatterns = [
    path("newsletter/sends/<int:send_id>/", web_version, name="newsletter_send_web_version"),
]
