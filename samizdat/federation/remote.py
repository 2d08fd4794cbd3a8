"""Accounts on other servers: signed GETs of their JSON, the cache of their actors and keys.

Every GET is signed by our instance actor (servers in Mastodon's secure mode refuse unsigned
fetches), answers are capped in size and time, redirects are followed a few times, and only
http(s) addresses on servers that are not blocked are fetched, every hop at a public IP address
(`addresses`). A fetched actor is cached as a `RemoteActor` and refreshed after a day; its id must
be on the host it was fetched from.

`verify_signed` checks an incoming request's signature with the signer's key from that cache,
fetching the key's owner when it is unknown and once more when a cached key does not verify
(the account may have changed its key).
"""

from __future__ import annotations

import datetime
import http.client
import json
import time
from collections.abc import Mapping
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from samizdat.federation import actors, addresses
from samizdat.federation.delivery import USER_AGENT, blocked_domains, is_blocked
from samizdat.federation.models import RemoteActor
from samizdat.federation.signatures import SignatureError, sign_request, verify_request

MAX_FETCH_BYTES = 1024 * 1024
MAX_REDIRECTS = 3
REDIRECTS = (301, 302, 303, 307, 308)
ACTOR_TYPES = ("Person", "Service", "Organization", "Group", "Application")
REFRESH_AFTER = datetime.timedelta(days=1)
URL_MAX = 500


class FetchError(Exception):
    """A remote document could not be fetched or is not what was expected."""


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def is_blocked_url(url: str) -> bool:
    """Whether the URL's server, or a domain it is under, is blocked."""
    return is_blocked(host_of(url), blocked_domains())


def without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _get(url: str, deadline: float) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One signed GET: status, headers and at most MAX_FETCH_BYTES + 1 bytes of body; to public
    addresses only (AddressRefused otherwise)."""
    parts = urlsplit(url)
    timeout = max(0.1, deadline - time.monotonic())
    signer = actors.instance_actor()
    headers = sign_request("GET", url, None, key_id=actors.key_id(signer), private_pem=signer.private_key)
    headers.update({"Accept": f"{actors.ACTIVITY_JSON}, {actors.LD_JSON}",
                    "User-Agent": USER_AGENT.format(actors.base_url())})
    conn = addresses.connection(url, timeout)  # AddressRefused before any connection
    try:
        conn.request("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = conn.getresponse()
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > MAX_FETCH_BYTES:
            raise FetchError(f"{url[:200]} is larger than {MAX_FETCH_BYTES} bytes.")
        chunks, size = [], 0
        while size <= MAX_FETCH_BYTES:
            if time.monotonic() > deadline:
                raise FetchError(f"{url[:200]} did not answer within {settings.FEDERATION_FETCH_TIMEOUT} s.")
            chunk = response.read1(64 * 1024)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return response.status, response.headers, b"".join(chunks)
    finally:
        conn.close()


def fetch(url: str) -> tuple[str, dict]:
    """The JSON object at `url` (signed GET, redirects followed) and the URL it finally came from."""
    current = url
    deadline = time.monotonic() + float(settings.FEDERATION_FETCH_TIMEOUT)
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"Not an http(s) address: {current[:200]}")
        if is_blocked_url(current):
            raise FetchError(f"The server {parts.hostname} is blocked.")
        try:
            status, headers, body = _get(current, deadline)
        except addresses.AddressRefused as error:
            raise FetchError(f"Refused {current[:200]}: {error}.") from error
        except TimeoutError as error:
            raise FetchError(f"{current[:200]} did not answer within "
                             f"{settings.FEDERATION_FETCH_TIMEOUT} s.") from error
        except (OSError, http.client.HTTPException) as error:
            problem = f"{type(error).__name__}: {error}"
            raise FetchError(f"{current[:200]} cannot be reached ({problem}).") from error
        if status in REDIRECTS:
            location = headers.get("Location")
            if not location:
                raise FetchError(f"{current[:200]} redirects nowhere.")
            current = urljoin(current, location)
            continue
        if status == 410:
            raise FetchError(f"{current[:200]} is gone (HTTP 410).")
        if not 200 <= status < 300:
            raise FetchError(f"{current[:200]} answered HTTP {status}.")
        if len(body) > MAX_FETCH_BYTES:
            raise FetchError(f"{current[:200]} is larger than {MAX_FETCH_BYTES} bytes.")
        if "json" not in (headers.get("Content-Type") or "").lower():
            raise FetchError(f"{current[:200]} did not answer with JSON.")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise FetchError(f"{current[:200]} answered malformed JSON.") from error
        if not isinstance(data, dict):
            raise FetchError(f"{current[:200]} answered JSON that is not an object.")
        return current, data
    raise FetchError(f"{url[:200]} redirects more than {MAX_REDIRECTS} times.")


def fetch_json(url: str) -> dict:
    """The JSON object at `url`, fetched with a GET signed by our instance actor; FetchError if not."""
    return fetch(url)[1]


def ref(value: object) -> str:
    """The id of a reference: a string, or an object with an id (or a Link's href)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        found = value.get("id") or value.get("href")
        return found if isinstance(found, str) else ""
    return ""


def _id(value: object) -> str:
    """The id of a reference, or of the first of a list of them."""
    return ref(value[0] if isinstance(value, list) and value else value)


def _http_url(value: object) -> str:
    url = _id(value)
    return url if url.startswith(("https://", "http://")) and len(url) <= URL_MAX else ""


def _text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def parse_actor(data: Mapping, fetched_from: str) -> dict:
    """The RemoteActor fields of an actor document; FetchError if it is not a usable actor."""
    uri = _http_url(data.get("id"))
    if not uri:
        raise FetchError(f"The document at {fetched_from[:200]} has no usable id.")
    if host_of(uri) != host_of(fetched_from):
        raise FetchError(f"The actor {uri[:200]} was served by another host ({host_of(fetched_from)}).")
    kind = data.get("type")
    if not (kind in ACTOR_TYPES or isinstance(kind, list) and set(kind) & set(ACTOR_TYPES)):
        raise FetchError(f"{uri[:200]} is not an actor.")
    inbox = _http_url(data.get("inbox"))
    if not inbox:
        raise FetchError(f"The actor {uri[:200]} has no inbox.")
    keys = data.get("publicKey")
    keys = keys if isinstance(keys, list) else [keys]
    key = next((item for item in keys if isinstance(item, dict) and isinstance(item.get("publicKeyPem"), str)
                and _id(item.get("id"))), None)
    if key is None:
        raise FetchError(f"The actor {uri[:200]} has no public key.")
    if key.get("owner") and _id(key["owner"]) != uri:
        raise FetchError(f"The public key of {uri[:200]} belongs to someone else.")
    key_id = _id(key["id"])
    if len(key_id) > URL_MAX:
        raise FetchError(f"The key id of {uri[:200]} is too long.")
    endpoints = data.get("endpoints")
    shared = _http_url(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else ""
    return {"uri": uri, "username": _text(data.get("preferredUsername"), 200), "domain": host_of(uri),
            "name": _text(data.get("name"), 300), "url": _http_url(data.get("url")), "inbox": inbox,
            "shared_inbox": shared, "key_id": key_id, "public_key": key["publicKeyPem"]}


def store_actor(fields: dict) -> RemoteActor:
    """Save fetched actor fields as the cached RemoteActor (made or updated)."""
    fields = {**fields, "fetched_at": timezone.now()}
    uri = fields.pop("uri")
    for _attempt in range(2):
        try:
            with transaction.atomic():
                remote, _created = RemoteActor.objects.update_or_create(uri=uri, defaults=fields)
                return remote
        except IntegrityError:
            continue  # made at the same moment by another request: update it
    return RemoteActor.objects.get(uri=uri)


def remote_actor(uri: str, *, refresh: bool = False) -> RemoteActor:
    """The account at `uri`, from the cache when fetched less than a day ago (or when a due refresh
    fails), otherwise fetched; FetchError when it cannot be had."""
    uri = without_fragment(uri)
    if is_blocked_url(uri):
        raise FetchError(f"The server {host_of(uri)} is blocked.")
    cached = RemoteActor.objects.filter(uri=uri).first()
    if cached is not None and not refresh and cached.fetched_at > timezone.now() - REFRESH_AFTER:
        return cached
    try:
        fetched_from, data = fetch(uri)
        return store_actor(parse_actor(data, fetched_from))
    except FetchError:
        if cached is not None and not refresh:
            return cached
        raise


def _cached_key_owner(key_id: str) -> RemoteActor | None:
    return RemoteActor.objects.filter(key_id=key_id).order_by("-fetched_at").first()


def key_owner(key_id: str, *, refresh: bool = False) -> RemoteActor:
    """The account whose public key has this id: cached, or fetched (the key id without its
    #fragment is the actor, or a key document naming its owner). SignatureError if none."""
    cached = None if refresh else _cached_key_owner(key_id)
    if cached is not None:
        return cached
    url = without_fragment(key_id)
    try:
        if is_blocked_url(url):
            raise FetchError(f"The server {host_of(url)} is blocked.")
        fetched_from, data = fetch(url)
        if "owner" in data and "publicKeyPem" in data and _id(data.get("type")) not in ACTOR_TYPES:
            owner = _id(data["owner"])
            if host_of(owner) != host_of(fetched_from):
                raise FetchError(f"The key {key_id[:200]} names an owner on another host.")
            remote = remote_actor(owner, refresh=True)
        else:
            remote = store_actor(parse_actor(data, fetched_from))
    except FetchError as error:
        raise SignatureError(f"The signer's key cannot be fetched: {error}") from error
    if remote.key_id != key_id:
        raise SignatureError(f"The key {key_id[:200]} is not the public key of {remote.uri[:200]}.")
    return remote


def key_lookup(key_id: str, *, refresh: bool = False) -> str:
    """The public key PEM with this id, for signatures.verify_request."""
    return key_owner(key_id, refresh=refresh).public_key


def verify_signed(method: str, url: str, headers: Mapping[str, str], body: bytes) -> RemoteActor:
    """The account that signed this request; SignatureError when the signature does not hold.

    A signature that fails with a key from the cache is checked once more with the key fetched
    anew, so an account that changed its key is not refused.
    """
    used: list[tuple[RemoteActor, bool]] = []

    def lookup(key_id: str, refresh: bool = False) -> str:
        cached = None if refresh else _cached_key_owner(key_id)
        remote = cached or key_owner(key_id, refresh=True)
        used.append((remote, cached is not None))
        return remote.public_key

    try:
        verify_request(method, url, headers, body, lookup)
    except SignatureError:
        if not used or not used[-1][1]:
            raise
        verify_request(method, url, headers, body, lambda key_id: lookup(key_id, refresh=True))
    return used[-1][0]
