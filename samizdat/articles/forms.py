"""The article editing form: topics offered are the article's own language's."""

from __future__ import annotations

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm


class ArticleForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        topics = self.fields.get("topics")
        locale_id = getattr(self.instance, "locale_id", None)
        if topics is not None and locale_id:
            topics.queryset = topics.queryset.filter(locale_id=locale_id)
            topics.widget = forms.CheckboxSelectMultiple(choices=topics.choices)
