"""The search page (placeholder until the search issue lands)."""

from django.http import HttpRequest, HttpResponse


def search(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
