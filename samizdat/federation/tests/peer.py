"""A fediverse server standing in for a remote one, for tests: real HTTP on 127.0.0.1.

It serves the actor documents of its users (`/users/<name>`, with a public key, an inbox and a
shared inbox), answers 404 for anything else it does not know, and records every request it
gets: our signed GETs of its actors, and what we POST to its inboxes (an Accept, say).
`documents` overrides what a path serves (a dict, or a status code), `redirects` sends a path
elsewhere (302 with that Location), and `stop()` makes the server unreachable.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from samizdat.federation.signatures import KeyPair, new_key_pair


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Peer:
    """The server's users (name → key pair), what it received, and what it serves instead."""

    server: ThreadingHTTPServer
    users: dict[str, KeyPair] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    documents: dict[str, dict | int] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: bool = False

    @property
    def base(self) -> str:
        host = self.server.server_address[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.server.server_address[1]}"

    def actor_uri(self, name: str) -> str:
        return f"{self.base}/users/{name}"

    def key_id(self, name: str) -> str:
        return self.actor_uri(name) + "#main-key"

    def add_user(self, name: str, keys: KeyPair | None = None) -> KeyPair:
        self.users[name] = keys or new_key_pair()
        return self.users[name]

    def actor_document(self, name: str) -> dict:
        uri = self.actor_uri(name)
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": uri, "type": "Person", "preferredUsername": name, "name": name.title(),
            "url": f"{self.base}/@{name}", "inbox": f"{uri}/inbox", "outbox": f"{uri}/outbox",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {"id": self.key_id(name), "owner": uri, "publicKeyPem": self.users[name].public_pem},
        }

    def answer(self, method: str, path: str) -> tuple[int, dict | None]:
        if path in self.documents:
            found = self.documents[path]
            return (found, None) if isinstance(found, int) else (200, found)
        if method == "GET" and path.startswith("/users/") and path[len("/users/"):] in self.users:
            return 200, self.actor_document(path[len("/users/"):])
        if method == "POST" and (path == "/inbox" or path.endswith("/inbox")):
            return 202, None
        return 404, None

    def received(self, method: str = "POST") -> list[Request]:
        with self.lock:
            return [request for request in self.requests if request.method == method]

    def stop(self) -> None:
        """Close the server: from now on connections to it are refused."""
        if not self.stopped:
            self.stopped = True
            self.server.shutdown()
            self.server.server_close()


def start_peer(host: str = "127.0.0.1") -> Peer:
    """A peer listening on `host` (127.0.0.1, or ::1 for IPv6; OSError when it cannot) at a free port."""
    holder: dict[str, Peer] = {}

    class Handler(BaseHTTPRequestHandler):
        def handle_any(self) -> None:
            peer = holder["peer"]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with peer.lock:
                peer.requests.append(Request(self.command, self.path, dict(self.headers.items()), body))
            if self.path in peer.redirects:
                self.send_response(302)
                self.send_header("Location", peer.redirects[self.path])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, document = peer.answer(self.command, self.path)
            payload = json.dumps(document).encode() if document is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/activity+json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = handle_any  # noqa: N815 - http.server's hook names

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        daemon_threads = True
        request_queue_size = 128  # listen() backlog: the default 5 resets a fan-out's many connections

    server = Server((host, 0), Handler)
    holder["peer"] = Peer(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return holder["peer"]


def refuse_outside_connections(monkeypatch) -> None:
    """Make any socket connection to an address outside 127.0.0.0/8 (and ::1) fail."""
    original_connect = socket.socket.connect

    def local_only(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not (
                str(address[0]).startswith("127.") or address[0] == "::1"):
            raise OSError(f"test tried to reach {address[0]}: only 127.0.0.0/8 is allowed")
        return original_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
