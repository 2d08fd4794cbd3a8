"""Generated bad input for everything a stranger can send (hypothesis), shared by each app's
`tests/test_fuzz.py`.

Each app starts from a valid submission of its own form and lets hypothesis break it: fields
dropped, repeated or replaced with unicode, control characters, NUL, right-to-left marks, markup,
numbers that are not numbers, huge values; the spam token kept, forged or missing; unknown fields
added. Raw bodies come in wrong charsets and broken multipart. The invariants are the same for
every endpoint: never a 5xx, nothing stored when the answer is a refusal, and what is accepted is
stored as sent (apps check their own fields).

The suite runs a few dozen examples per endpoint, the same ones every run (`derandomize`), so CI
is repeatable; `make fuzz` runs many more, new ones each time (FUZZ_EXAMPLES, FUZZ_RANDOM).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from django.db.models import Model
from django.http import HttpResponse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))

# Each example reuses the test's database and client: the invariants compare counts per request.
fuzz_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)

NASTY = [
    "", " ", "\x00", "a\x00b", "\r\n\r\n", "\t", "\x1b[31m", "\u202eevil", "\ufeff", "\u200b",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --", "%00", "%",
    "{{ 7*7 }}", "{% debug %}", "../../etc/passwd", "🏳️‍🌈", "Zoë Ñandú", "مرحبا", "x@ÉXAMPLE.org",
    "x@xn--xample-9ua.org", "@", "a@b", "a" * 255 + "@example.org", "-1", "0", "1e309", "NaN",
    "Infinity", "0x10", "9" * 400, "1.5", "٣", "²", "true", "null", "[]", "{}", "x" * 5001,
]

# Text a browser can send: any character but lone surrogates (not encodable in UTF-8).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)
nasty_text = st.one_of(st.sampled_from(NASTY), any_text)
field_value = st.one_of(nasty_text, st.lists(nasty_text, min_size=2, max_size=3))


def broken(valid: dict) -> st.SearchStrategy[dict]:
    """A form submission built from `valid`: each field kept, dropped, replaced or repeated, and
    sometimes an unknown field more."""
    def field(value):
        kept = st.just(value)
        return st.one_of(kept, kept, field_value)

    return st.fixed_dictionaries(
        {},
        optional={**{name: field(value) for name, value in valid.items()}, "unexpected": field_value},
    )


RAW_CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data",
    "multipart/form-data; boundary=zz",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=zz; charset=latin-1",
    "text/plain",
    "application/json",
]
raw_bodies = st.tuples(
    st.sampled_from(RAW_CONTENT_TYPES),
    st.one_of(
        st.binary(max_size=300),
        st.sampled_from([b"--zz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx",
                         b"--zz--", b"email=%ff%fe&email=a", b"\xff\xfe\x00e\x00m", b"a=" + b"%" * 200]),
    ),
)


def counts(models: Iterable[type[Model]]) -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in models}


def post_and_check(client, url: str, data: dict, stored: Iterable[type[Model]],
                   refused: Callable[[HttpResponse], bool] | None = None) -> HttpResponse:
    """POST `data` to `url`: no 5xx, and if the answer is a refusal (by default anything but a
    redirect), no row more in `stored`."""
    stored = list(stored)
    before = counts(stored)
    response = client.post(url, data)
    assert response.status_code < 500, (url, data, response.status_code)
    if (refused or (lambda answer: answer.status_code not in (301, 302, 303)))(response):
        assert counts(stored) == before, (url, data, response.status_code)
    return response


def post_raw_and_check(client, url: str, content_type: str, body: bytes,
                       stored: Iterable[type[Model]]) -> HttpResponse:
    """A raw body of any content type: no 5xx, and nothing stored."""
    stored = list(stored)
    before = counts(stored)
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code < 500, (url, content_type, body, response.status_code)
    assert counts(stored) == before, (url, content_type, body)
    return response


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(nasty_text, children, max_size=4)),
    max_leaves=12,
)


def json_like(template: dict) -> st.SearchStrategy:
    """JSON documents: `template` with its values broken (kept, dropped, any JSON), or anything."""
    fields = {key: st.one_of(st.just(value), json_values) for key, value in template.items()}
    return st.one_of(st.fixed_dictionaries({}, optional=fields), json_values)
