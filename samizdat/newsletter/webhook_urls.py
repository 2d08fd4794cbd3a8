"""Newsletter URLs for machines (not per language): the bounce and complaint webhook."""

from django.urls import path

from samizdat.newsletter import views

urlpatterns = [
    path("newsletter/bounces/", views.bounces, name="newsletter_bounces"),
]
