"""Campaign URLs for machines (not per language): Stripe's webhook."""

from django.urls import path

from samizdat.campaigns import views

urlpatterns = [
    path("campaigns/stripe/webhook/", views.stripe_webhook, name="campaigns_stripe_webhook"),
]
