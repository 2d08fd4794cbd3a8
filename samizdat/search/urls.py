"""The search page, under each language's prefix."""

from django.urls import path

from samizdat.search import views

urlpatterns = [path("search/", views.search, name="search")]
