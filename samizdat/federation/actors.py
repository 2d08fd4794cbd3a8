"""Our actors: which exist, their addresses, and the JSON documents other servers fetch.

The outlet has one actor per language: `outlet` for the default language and `outlet_<code>` for
the others (settings.FEDERATION_OUTLET_USERNAME changes the stem). An author with federation
turned on is `@<slug with underscores>`. The instance actor (`instance`) signs our GET requests.
Keys are made the first time an actor is needed.

Addresses are absolute URLs under the default site's root URL (`base_url()`), so the same ids
come out of a request and of a background task.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from wagtail.models import Locale, Site

from samizdat.federation.models import Actor
from samizdat.federation.signatures import new_key_pair

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"
LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


def base_url() -> str:
    """The site's root URL without a trailing slash, e.g. "https://ledger.example"."""
    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    if site is None:
        return "http://localhost"
    return site.root_url.rstrip("/")


def absolute(path: str) -> str:
    return base_url() + path


def outlet_username(locale: Locale, default_id: int | None = None) -> str:
    """The outlet's username in `locale`; `default_id` is the default locale's pk, when the caller
    already has it (finding it is a query)."""
    stem = settings.FEDERATION_OUTLET_USERNAME
    if default_id is None:
        default_id = Locale.get_default().pk
    if locale.pk == default_id:
        return stem
    return f"{stem}_{re.sub(r'[^a-z0-9]', '', locale.language_code.lower())}"[:30]


def author_username(slug: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", slug.lower())[:30]


def _create(kind: str, username: str, **fields) -> Actor:
    """The actor, made with a new key pair if it does not exist yet (safe under concurrency)."""
    found = Actor.objects.filter(username=username).first()
    if found is not None:
        return found
    keys = new_key_pair()
    try:
        with transaction.atomic():
            return Actor.objects.create(kind=kind, username=username, private_key=keys.private_pem,
                                        public_key=keys.public_pem, **fields)
    except IntegrityError:
        return Actor.objects.get(username=username)


def outlet_actor(locale: Locale | None = None) -> Actor:
    locale = locale or Locale.get_default()
    found = Actor.objects.filter(kind=Actor.Kind.OUTLET, locale=locale).first()
    return found or _create(Actor.Kind.OUTLET, outlet_username(locale), locale=locale)


def author_actor(person) -> Actor | None:
    """The author's actor, if their federation is turned on."""
    if not getattr(person, "federated", False):
        return None
    found = Actor.objects.filter(person=person).first()
    return found or _create(Actor.Kind.AUTHOR, author_username(person.slug), person=person)


def instance_actor() -> Actor:
    return _create(Actor.Kind.INSTANCE, "instance")


def actor_uri(actor: Actor) -> str:
    return absolute(reverse("federation:actor", args=[actor.username]))


def key_id(actor: Actor) -> str:
    return actor_uri(actor) + "#main-key"


def actor_for_username(username: str) -> Actor | None:
    """Our actor with that username, made on first use for the outlet's languages and federated
    authors; None for anyone else."""
    username = username.lower()
    found = Actor.objects.select_related("locale", "person").filter(username=username).first()
    if found is not None:
        if found.kind == Actor.Kind.AUTHOR and not (found.person and found.person.federated):
            return None
        return found
    if username == "instance":
        return instance_actor()
    default_id = Locale.get_default().pk
    for locale in Locale.objects.all():
        if outlet_username(locale, default_id) == username:
            return outlet_actor(locale)
    from samizdat.people.models import Person

    for person in Person.objects.filter(federated=True).only("pk", "slug", "federated"):
        if author_username(person.slug) == username:
            return author_actor(person)
    return None
