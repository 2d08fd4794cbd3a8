"""A local HTTP server standing in for Stripe's API, for tests: no network, real HTTP.

It listens on 127.0.0.1, records each request (method, path, headers and the form-encoded body
parsed with urllib.parse.parse_qs) and answers JSON shaped like Stripe's for what Samizdat calls:
creating a Checkout Session, cancelling a subscription, opening a billing portal session. Set
`fail` to answer every request with a Stripe-style error instead.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    """One request the stand-in received."""

    method: str
    path: str
    headers: dict[str, str]
    form: dict[str, str]  # Stripe's flattened keys, e.g. "line_items[0][price_data][unit_amount]"
    raw: bytes = b""


@dataclass
class Failure:
    """An error answer: HTTP status and Stripe's error object ({"error": {...}})."""

    status: int = 500
    type: str = "api_error"
    message: str = "An unknown error occurred"
    code: str = ""
    should_retry: bool | None = None  # sent as Stripe-Should-Retry when not None

    def body(self) -> dict:
        error = {"type": self.type, "message": self.message}
        if self.code:
            error["code"] = self.code
        return {"error": error}


CARD_DECLINED = Failure(402, "card_error", "Your card was declined.", "card_declined", should_retry=False)
SERVER_ERROR = Failure(500, "api_error", "Something went wrong on Stripe's end.")
NO_SUCH_SUBSCRIPTION = Failure(404, "invalid_request_error", "No such subscription", "resource_missing")


@dataclass
class StripeStandIn:
    """The server's state: what it received, and how it should answer next."""

    requests: list[Recorded] = field(default_factory=list)
    fail: Failure | None = None
    base: str = ""
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, recorded: Recorded) -> int:
        with self._lock:
            self.requests.append(recorded)
            return next(self._ids)

    def answer(self, method: str, path: str, form: dict[str, str], number: int) -> tuple[int, dict]:
        """(status, JSON) for one request, like Stripe's API would answer it."""
        if self.fail is not None:
            return self.fail.status, self.fail.body()
        if method == "POST" and path == "/v1/checkout/sessions":
            session_id = f"cs_test_{number:04d}"
            return 200, {
                "id": session_id, "object": "checkout.session", "livemode": False,
                "mode": form.get("mode"), "status": "open", "payment_status": "unpaid",
                "url": f"{self.base}/c/pay/{session_id}", "customer_email": form.get("customer_email"),
                "client_reference_id": form.get("client_reference_id"),
                "success_url": form.get("success_url"), "cancel_url": form.get("cancel_url"),
                "metadata": {key[9:-1]: value for key, value in form.items() if key.startswith("metadata[")},
            }
        if method == "DELETE" and path.startswith("/v1/subscriptions/"):
            subscription_id = path.rsplit("/", 1)[1]
            return 200, {"id": subscription_id, "object": "subscription", "status": "canceled",
                         "livemode": False}
        if method == "POST" and path == "/v1/billing_portal/sessions":
            return 200, {"id": f"bps_{number:04d}", "object": "billing_portal.session",
                         "customer": form.get("customer"), "return_url": form.get("return_url"),
                         "url": f"{self.base}/p/session/bps_{number:04d}", "livemode": False}
        unknown = Failure(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")
        return 404, unknown.body()

    def calls(self, method: str, path: str) -> list[Recorded]:
        return [request for request in self.requests if request.method == method and request.path == path]


def _handler(state: StripeStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers after stop()

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            text = raw.decode() if raw else url.query
            form = {key: values[0] for key, values in parse_qs(text, keep_blank_values=True).items()}
            number = state.record(Recorded(self.command, url.path, dict(self.headers.items()), form, raw))
            status, data = state.answer(self.command, url.path, form, number)
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", f"req_standin_{number}")
            if state.fail is not None and state.fail.should_retry is not None:
                self.send_header("Stripe-Should-Retry", str(state.fail.should_retry).lower())
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - http.server's method names

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - http.server's signature
            """Quiet: the test asserts on `state.requests` instead."""

    return Handler


class Server:
    """The stand-in running in a thread on a free 127.0.0.1 port; `state.base` is its URL."""

    def __init__(self) -> None:
        self.state = StripeStandIn()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.httpd.daemon_threads = True
        host, port = self.httpd.server_address[:2]
        self.state.base = f"http://{host}:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="stripe-standin", daemon=True)

    def __enter__(self) -> StripeStandIn:
        self.thread.start()
        return self.state

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop answering: later requests to `state.base` find nothing listening."""
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.thread.join(timeout=10)
        self.httpd.server_close()


def use_standin(monkeypatch, settings, base: str) -> None:
    """Point our Stripe client at `base`, with stripe's global state restored after the test.

    Also refuses any socket connection that is not to this machine, so nothing reaches out.
    """
    import socket

    import stripe

    settings.STRIPE_SECRET_KEY = "sk_test_standin"
    settings.STRIPE_API_BASE = base
    for name in ("api_key", "api_base", "max_network_retries", "default_http_client"):
        monkeypatch.setattr(stripe, name, getattr(stripe, name))
    monkeypatch.setattr(stripe, "default_http_client", None)
    original_connect = socket.socket.connect

    def local_only(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in ("127.0.0.1", "::1"):
            raise OSError(f"test tried to reach {address[0]}: only 127.0.0.1 is allowed")
        return original_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_only)
