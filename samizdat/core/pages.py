"""Page behaviour shared by the apps: a page that carries a public form readers post."""

from __future__ import annotations

from http import HTTPMethod

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from samizdat.core import spam
from samizdat.core.chrome import OutletPageMixin


class FormPageMixin(OutletPageMixin):
    """A page with a public form: GET shows it, POST validates, then redirects to ?sent=1.

    Subclasses set `form_class`, `rate_scope` and implement `accept(request, form)`, which may
    return a response of its own (a redirect elsewhere) or add errors to the form to show it again.
    """

    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS, HTTPMethod.POST]
    form_class: type = spam.SpamProtectedForm
    rate_scope = "form"

    def accept(self, request: HttpRequest, form) -> HttpResponse | None:
        raise NotImplementedError

    def sent_url(self, request: HttpRequest) -> str:
        """Where a reader goes once their form is accepted: this page, saying so."""
        return f"{request.path}?sent=1"

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["form"] = self.form_class()  # an empty form, also for the admin's preview
        context["sent"] = False
        return context

    def serve(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.is_preview = getattr(request, "is_preview", False)
        form = None
        verdict = None
        if request.method == "POST":
            form = self.form_class(request.POST)
            verdict = spam.screen(request, self.rate_scope, form)
            if verdict == spam.Verdict.BOT:
                return HttpResponseRedirect(self.sent_url(request))
            if verdict == spam.Verdict.ACCEPT:
                response = self.accept(request, form)
                if response is not None:
                    return response
                if not form.errors:
                    return HttpResponseRedirect(self.sent_url(request))
        context = self.get_context(request)
        if form is not None:
            context["form"] = form
        context["sent"] = form is None and request.GET.get("sent") == "1"
        response = TemplateResponse(request, self.get_template(request), context)
        return spam.too_many_requests(response) if verdict == spam.Verdict.REFUSED else response
