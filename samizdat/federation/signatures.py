"""HTTP message signatures, as the fediverse uses them.

Outgoing requests are signed the way Mastodon signs and expects: draft-cavage-http-signatures
with rsa-sha256 over `(request-target) host date digest` (POST) or `(request-target) host date`
(GET), with `Digest: SHA-256=…` of the body. Incoming requests may carry either that or an
RFC 9421 signature (`Signature-Input` + `Signature`, with `Content-Digest`).

Verification is a plain function of the request's parts and a key lookup, so the inbox view, the
tests and the benchmark all use the same code. Every refusal is a `SignatureError` whose message
says what was wrong (it goes back to the sender in the 401).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from urllib.parse import urlsplit

import http_sf
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

# Mastodon's window: a Date up to 12 hours old and at most an hour ahead of our clock.
MAX_AGE_SECONDS = 12 * 3600
MAX_SKEW_SECONDS = 3600

KeyLookup = Callable[[str], str]  # key id → public key PEM; raises SignatureError if unknown


class SignatureError(Exception):
    """The request's signature is missing, malformed, stale, or does not verify."""


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str


def new_key_pair(bits: int = 2048) -> KeyPair:
    """A fresh RSA key pair in PEM (what Mastodon and every other server understand)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return KeyPair(private_pem, public_pem)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def digest_header(body: bytes) -> str:
    """The `Digest` header value for a body (draft-cavage; RFC 3230)."""
    return "SHA-256=" + _b64(hashlib.sha256(body).digest())


def content_digest_header(body: bytes) -> str:
    """The `Content-Digest` header value for a body (RFC 9530)."""
    return http_sf.ser({"sha-256": (hashlib.sha256(body).digest(), {})})


def http_date(timestamp: float | None = None) -> str:
    return formatdate(time.time() if timestamp is None else timestamp, usegmt=True)


@functools.lru_cache(maxsize=64)
def _load_private(private_pem: str) -> rsa.RSAPrivateKey:
    """The key object of a PEM, loaded once per process (loading checks the key: about 30 ms)."""
    return serialization.load_pem_private_key(private_pem.encode(), password=None)


def _request_target(method: str, url: str) -> str:
    parts = urlsplit(url)
    return f"{method.lower()} {parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def sign_request(method: str, url: str, body: bytes | None, *, key_id: str, private_pem: str,
                 now: float | None = None) -> dict[str, str]:
    """The headers that sign a request (Host, Date, Digest for a body, Signature), draft-cavage style."""
    parts = urlsplit(url)
    headers = {"Host": parts.netloc, "Date": http_date(now)}
    signed = ["(request-target)", "host", "date"]
    if body is not None:
        headers["Digest"] = digest_header(body)
        signed.append("digest")
    lines = [f"(request-target): {_request_target(method, url)}"]
    lines += [f"{name}: {headers[name.title()]}" for name in signed[1:]]
    signature = _load_private(private_pem).sign("\n".join(lines).encode(), padding.PKCS1v15(),
                                                hashes.SHA256())
    headers["Signature"] = (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(signed)}",'
                            f'signature="{_b64(signature)}"')
    return headers


_CAVAGE_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


def parse_cavage(header: str) -> dict[str, str]:
    """The parameters of a draft-cavage `Signature` header (keyId, algorithm, headers, signature)."""
    params: dict[str, str] = {}
    position = 0
    header = header.strip()
    while position < len(header):
        match = _CAVAGE_PARAM.match(header, position)
        if match is None:
            raise SignatureError("The Signature header is not a list of key=\"value\" pairs.")
        params[match.group(1)] = match.group(2)
        position = match.end()
    for required in ("keyId", "signature"):
        if not params.get(required):
            raise SignatureError(f"The Signature header has no {required}.")
    return params


def _public_key(pem: str):
    try:
        return serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as error:
        raise SignatureError("The signer's public key cannot be read.") from error


def _verify(key, algorithm: str, signature: bytes, data: bytes) -> None:
    try:
        if isinstance(key, rsa.RSAPublicKey) and algorithm in ("rsa-sha256", "rsa-v1_5-sha256", "hs2019"):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, rsa.RSAPublicKey) and algorithm == "rsa-pss-sha512":
            key.verify(signature, data, padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64),
                       hashes.SHA512())
        elif isinstance(key, ed25519.Ed25519PublicKey) and algorithm in ("ed25519", "hs2019"):
            key.verify(signature, data)
        elif isinstance(key, ec.EllipticCurvePublicKey) and algorithm == "ecdsa-p256-sha256":
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

            if len(signature) != 64:
                raise SignatureError("The ECDSA signature has the wrong length.")
            der = encode_dss_signature(int.from_bytes(signature[:32]), int.from_bytes(signature[32:]))
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise SignatureError(f"The algorithm {algorithm!r} does not fit the signer's key.")
    except InvalidSignature as error:
        raise SignatureError("The signature does not match the request.") from error


def _check_time(moment: float, now: float, what: str) -> None:
    if moment > now + MAX_SKEW_SECONDS:
        raise SignatureError(f"The {what} is in the future.")
    if moment < now - MAX_AGE_SECONDS:
        raise SignatureError(f"The {what} is too old.")


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:
        raise SignatureError(f"The signed header {name!r} is missing.")
    return value


@dataclass(frozen=True)
class Verified:
    """Who signed: the key id, and which standard the signature followed."""

    key_id: str
    scheme: str  # "cavage" or "rfc9421"


def verify_request(method: str, url: str, headers: Mapping[str, str], body: bytes, lookup: KeyLookup,
                   *, now: float | None = None) -> Verified:
    """Check a request's signature; `headers` must be case-insensitive (like Django's request.headers).

    A body must be covered by a matching digest; a Date (or `created`) must be inside the window.
    """
    now = time.time() if now is None else now
    if headers.get("Signature-Input"):
        return _verify_rfc9421(method, url, headers, body, lookup, now)
    if headers.get("Signature"):
        return _verify_cavage(method, url, headers, body, lookup, now)
    raise SignatureError("The request is not signed.")


def _verify_cavage(method: str, url: str, headers: Mapping[str, str], body: bytes, lookup: KeyLookup,
                   now: float) -> Verified:
    params = parse_cavage(headers["Signature"])
    signed = params.get("headers", "date").lower().split()
    needed = {"(request-target)", "host"} | ({"digest"} if method.upper() == "POST" else set())
    if not needed <= set(signed) or not {"date", "(created)"} & set(signed):
        raise SignatureError("The signature must cover (request-target), host, date"
                             + (" and digest." if method.upper() == "POST" else "."))
    lines = []
    for name in signed:
        if name == "(request-target)":
            lines.append(f"(request-target): {_request_target(method, url)}")
        elif name == "(created)":
            lines.append(f"(created): {params.get('created', '')}")
        elif name == "(expires)":
            lines.append(f"(expires): {params.get('expires', '')}")
        else:
            lines.append(f"{name}: {_header(headers, name)}")
    if "date" in signed:
        try:
            moment = parsedate_to_datetime(headers["Date"]).timestamp()
        except (TypeError, ValueError, IndexError) as error:
            raise SignatureError("The Date header cannot be read.") from error
    else:
        moment = _number(params.get("created"), "created")
    _check_time(moment, now, "Date" if "date" in signed else "signature's created time")
    if "digest" in signed:
        _check_digest(headers["Digest"], body)
    try:
        signature = base64.b64decode(params["signature"], validate=True)
    except ValueError as error:
        raise SignatureError("The signature is not base64.") from error
    key = _public_key(lookup(params["keyId"]))
    _verify(key, params.get("algorithm", "hs2019").lower(), signature, "\n".join(lines).encode())
    return Verified(params["keyId"], "cavage")


def _number(value: object, name: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise SignatureError(f"The signature's {name} is not a number.") from error


def _check_digest(header: str, body: bytes) -> None:
    expected = hashlib.sha256(body).digest()
    for part in header.split(","):
        name, _sep, value = part.strip().partition("=")
        if name.lower() == "sha-256":
            try:
                if base64.b64decode(value, validate=True) == expected:
                    return
            except ValueError:
                pass
            raise SignatureError("The Digest does not match the body.")
    raise SignatureError("The Digest header has no SHA-256 value.")


def _check_content_digest(header: str, body: bytes) -> None:
    try:
        digests = http_sf.parse(header.encode(), tltype="dictionary")
    except ValueError as error:
        raise SignatureError("The Content-Digest header cannot be read.") from error
    value = digests.get("sha-256") or digests.get("sha-512")
    if value is None:
        raise SignatureError("The Content-Digest header has no sha-256 or sha-512 value.")
    algorithm = hashlib.sha256 if "sha-256" in digests else hashlib.sha512
    if value[0] != algorithm(body).digest():
        raise SignatureError("The Content-Digest does not match the body.")


def _component(name: str, method: str, url: str, headers: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    derived = {
        "@method": method.upper(),
        "@target-uri": url,
        "@authority": parts.netloc.lower(),
        "@scheme": parts.scheme.lower(),
        "@path": parts.path or "/",
        "@query": "?" + parts.query,
        "@request-target": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
    }
    if name in derived:
        return derived[name]
    if name.startswith("@"):
        raise SignatureError(f"The signed component {name!r} is not supported.")
    return _header(headers, name).strip()


def _verify_rfc9421(method: str, url: str, headers: Mapping[str, str], body: bytes, lookup: KeyLookup,
                    now: float) -> Verified:
    try:
        inputs = http_sf.parse(headers["Signature-Input"].encode(), tltype="dictionary")
        signatures = http_sf.parse(_header(headers, "Signature").encode(), tltype="dictionary")
    except ValueError as error:
        raise SignatureError("The Signature-Input or Signature header cannot be read.") from error
    label = next((name for name in inputs if name in signatures), None)
    if label is None:
        raise SignatureError("No signature matches a Signature-Input label.")
    components, params = inputs[label]
    signature = signatures[label][0]
    if not isinstance(components, list) or not isinstance(signature, bytes):
        raise SignatureError("The signature's parameters cannot be read.")
    names = []
    for item in components:
        if not isinstance(item[0], str) or item[1]:
            raise SignatureError("Only plain components can be signed.")
        names.append(item[0].lower())
    if not {"@method"} <= set(names) or not {"@target-uri", "@path", "@request-target"} & set(names):
        raise SignatureError("The signature must cover @method and the target.")
    if method.upper() == "POST" and "content-digest" not in names:
        raise SignatureError("The signature must cover content-digest.")
    created = _number(params.get("created"), "created")
    _check_time(created, now, "signature's created time")
    if "expires" in params and _number(params["expires"], "expires") < now:
        raise SignatureError("The signature has expired.")
    if "content-digest" in names:
        _check_content_digest(_header(headers, "Content-Digest"), body)
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise SignatureError("The signature has no keyid.")
    lines = [f'"{name}": {_component(name, method, url, headers)}' for name in names]
    lines.append('"@signature-params": ' + http_sf.ser({label: (components, params)})[len(label) + 1:])
    key = _public_key(lookup(key_id))
    algorithm = params.get("alg")
    if not isinstance(algorithm, str):
        algorithm = "rsa-v1_5-sha256" if isinstance(key, rsa.RSAPublicKey) else "ed25519"
    _verify(key, algorithm, signature, "\n".join(lines).encode())
    return Verified(key_id, "rfc9421")


def sign_rfc9421(method: str, url: str, body: bytes | None, *, key_id: str, private_pem: str,
                 now: float | None = None) -> dict[str, str]:
    """RFC 9421 headers (rsa-v1_5-sha256) for a request: used by tests and for peers that ask for it."""
    components = ["@method", "@target-uri"]
    headers: dict[str, str] = {}
    if body is not None:
        headers["Content-Digest"] = content_digest_header(body)
        components.append("content-digest")
    params = {"created": int(time.time() if now is None else now), "keyid": key_id, "alg": "rsa-v1_5-sha256"}
    inner = ([(name, {}) for name in components], params)
    serialized = http_sf.ser({"sig1": inner})
    lowered = {name.lower(): value for name, value in headers.items()}
    lines = [f'"{name}": {_component(name, method, url, lowered)}' for name in components]
    lines.append('"@signature-params": ' + serialized[len("sig1="):])
    data = "\n".join(lines).encode()
    signature = _load_private(private_pem).sign(data, padding.PKCS1v15(), hashes.SHA256())
    headers["Signature-Input"] = serialized
    headers["Signature"] = http_sf.ser({"sig1": (signature, {})})
    return headers
