"""fediverse-pasture's one_actor as a peer for tests, served on 127.0.0.1 only and kept offline.

Run as `python pasture_peer.py PORT` in a directory holding the `data.toml` the test wrote (the
pasture reads it from the working directory, and bovine leaves its JSON-LD cache file there).

The stock `python -m fediverse_pasture.one_actor` binds 0.0.0.0 and fetches JSON-LD contexts
from w3id.org; this serves the same blueprint with Hypercorn on 127.0.0.1, resolves contexts
from a local table, and refuses any connection outside 127.0.0.0/8. What the actor's inbox
accepted, and the result of each signature check the pasture made (the signer's id, or None),
are served at GET /_received.
"""

from __future__ import annotations

import asyncio
import socket
import sys

# Nothing but loopback: bovine and the pasture must not reach any other address.
_connect = socket.socket.connect


def _local_only(sock: socket.socket, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and not (
            str(address[0]).startswith("127.") or address[0] == "::1"):
        raise OSError(f"pasture peer tried to reach {address[0]}: only 127.0.0.0/8 is allowed")
    return _connect(sock, address)


socket.socket.connect = _local_only

# Offline JSON-LD. Importing bovine.jsonld installs pyld's loader, which GETs every context it does
# not know (security/v1, did/v1, ...); replace it, after that import, with a local table.
import bovine.jsonld  # noqa: E402
from pyld import jsonld  # noqa: E402

SECURITY_V1 = {
    "id": "@id", "type": "@type", "sec": "https://w3id.org/security#",
    "publicKey": {"@id": "sec:publicKey", "@type": "@id"},
    "publicKeyPem": "sec:publicKeyPem",
    "owner": {"@id": "sec:owner", "@type": "@id"},
}
CONTEXTS = {
    "https://www.w3.org/ns/activitystreams": bovine.jsonld.activitystreams_context,
    "about:bovine": bovine.jsonld.bovine_context,
    "https://w3id.org/security/v1": SECURITY_V1,
}


def offline_loader(url: str, options=None) -> dict:
    """The context from the table; an empty one for any other URL (never a request)."""
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": {"@context": CONTEXTS.get(url, {})}}


jsonld.set_document_loader(offline_loader)

from fediverse_pasture.data_provider import DataProvider  # noqa: E402
from fediverse_pasture.server import BlueprintForActors  # noqa: E402
from hypercorn.asyncio import serve  # noqa: E402
from hypercorn.config import Config  # noqa: E402
from quart import Quart  # noqa: E402

received: list[dict] = []
verifications: list[str | None] = []


class RecordingBlueprint(BlueprintForActors):
    """The pasture's actor blueprint, noting the outcome of each of its own signature checks."""

    async def validate_request(self, request):
        signer = await super().validate_request(request)
        verifications.append(signer)
        return signer


async def on_inbox(data: dict) -> None:
    received.append(data)


def build_app() -> Quart:
    provider = DataProvider.load()  # ./data.toml
    app = Quart("pasture_peer")
    app.register_blueprint(RecordingBlueprint(actors=[provider.one_actor], on_inbox=on_inbox).blueprint)

    @app.get("/_received")  # a static route: wins over the blueprint's /<actor_name>
    async def what_arrived():
        return {"received": received, "verifications": verifications}

    return app


if __name__ == "__main__":
    config = Config()
    config.bind = [f"127.0.0.1:{int(sys.argv[1])}"]
    config.accesslog = "-"
    asyncio.run(serve(build_app(), config))
