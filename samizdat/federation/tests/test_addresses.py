"""Outgoing fediverse requests reach public addresses only: the address check itself, and signed
GETs, redirects, inbox POSTs and key fetches refused against real local servers (which receive
nothing) once FEDERATION_ALLOW_PRIVATE_ADDRESSES is off, as it is outside the tests.

A public address cannot be served from a test, so a few tests route one (93.184.215.14) to a local
server at the socket level, below everything the project does: the check sees a public address,
the connection lands on 127.0.0.1. A name that resolves differently on each lookup (DNS rebinding)
is played the same way, by answering getaddrinfo.
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.utils.datastructures import CaseInsensitiveMapping

from samizdat.federation import actors, addresses, delivery, remote
from samizdat.federation.models import Delivery, Follower, Inbox, RemoteActor
from samizdat.federation.signatures import sign_request, verify_request
from samizdat.federation.tests.peer import Peer, start_peer

PUBLIC = "93.184.215.14"
OTHER_PUBLIC = "93.184.215.15"

PRIVATE_ADDRESSES = [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "255.255.255.255", "224.0.0.1", "240.0.0.1", "192.0.2.1",
    "::1", "::", "fe80::1", "fe80::1%1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::127.0.0.1",
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::5db8:d70e", "2002:7f00:1::1", "2001::1",
]
PUBLIC_ADDRESSES = [
    PUBLIC, "8.8.8.8", "1.1.1.1", "2606:4700::1111", "2a00:1450:4001:80b::200e",
    "::ffff:93.184.215.14", "64:ff9b::5db8:d70e", "2002:5db8:d70e::1",
]


@pytest.mark.parametrize("address", PRIVATE_ADDRESSES)
def test_private_and_local_addresses_are_not_public(address):
    assert not addresses.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC_ADDRESSES)
def test_public_addresses_are_public(address):
    assert addresses.is_public(ipaddress.ip_address(address))


@pytest.fixture
def guarded(settings) -> None:
    """The setting as in production: private and local addresses refused."""
    settings.FEDERATION_ALLOW_PRIVATE_ADDRESSES = False
    settings.FEDERATION_FETCH_TIMEOUT = 2


@pytest.mark.parametrize("address", [PUBLIC, "2606:4700::1111"])
def test_a_public_literal_resolves_to_itself_without_dns(guarded, address):
    found = addresses.resolve(address, 443)
    assert [ipaddress.ip_address(sockaddr[0]) for *_kind, sockaddr in found] == [
        ipaddress.ip_address(address)]
    assert all(sockaddr[1] == 443 for *_kind, sockaddr in found)


@pytest.mark.parametrize("host", ["social.example", "x.test", "INBOX.INVALID.", "printer.local", "localhost",
                                  "app.localhost"])
def test_special_use_names_are_refused_without_a_lookup(guarded, monkeypatch, host):
    def no_lookup(*args, **kwargs):
        raise AssertionError("looked up")

    monkeypatch.setattr(socket, "getaddrinfo", no_lookup)
    with pytest.raises(addresses.AddressRefused, match="special-use"):
        addresses.resolve(host, 443)
    outcome = delivery.post(delivery.Request(1, 1, f"https://{host}/inbox", b"{}", {}), timeout=2)
    assert outcome.status == 400 and "special-use" in outcome.error


@dataclass
class Network:
    """What the process's sockets did: every connect (host, port), every name looked up; `names`
    answers getaddrinfo for made-up names (one list of addresses per lookup, the last repeating),
    `routes` sends a connection to a public address to a local port instead."""

    connects: list[tuple[str, int]] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    names: dict[str, list[list[str]]] = field(default_factory=dict)
    routes: dict[tuple[str, int], tuple[str, int]] = field(default_factory=dict)


@pytest.fixture
def network(monkeypatch) -> Network:
    seen = Network()
    original_connect, original_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock: socket.socket, address) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            seen.connects.append((address[0], address[1]))
            address = seen.routes.get((address[0], address[1]), address)
            if not (str(address[0]).startswith("127.") or address[0] == "::1"):
                raise OSError(f"test tried to reach {address[0]}: only 127.0.0.0/8 is allowed")
        return original_connect(sock, address)

    def getaddrinfo(host, port, *args, **kwargs):
        seen.lookups.append(host)
        if host in seen.names:
            answers = seen.names[host]
            chosen = answers.pop(0) if len(answers) > 1 else answers[0]
            return [info for ip in chosen for info in original_getaddrinfo(ip, port, *args, **kwargs)]
        return original_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return seen


def port_of(peer: Peer) -> int:
    return peer.server.server_address[1]


LOOPBACK_URLS = [
    "http://127.0.0.1:{port}/users/ana",
    "http://localhost:{port}/users/ana",
    "http://[::ffff:127.0.0.1]:{port}/users/ana",
    "http://0.0.0.0:{port}/users/ana",
    "http://127.1:{port}/users/ana",
    "http://2130706433:{port}/users/ana",
]


def test_with_the_setting_on_the_local_peer_answers(db, network, peer):
    """What the refusals below are measured against: the same server does answer."""
    fetched_from, data = remote.fetch(f"http://localhost:{port_of(peer)}/users/ana")
    assert data["id"] == peer.actor_uri("ana")
    assert len(peer.received("GET")) == 1


@pytest.mark.parametrize("template", LOOPBACK_URLS)
def test_fetching_a_loopback_address_is_refused_before_any_connection(db, guarded, network, peer, template):
    url = template.format(port=port_of(peer))
    with pytest.raises(remote.FetchError, match="private or local address|special-use name"):
        remote.fetch(url)
    assert peer.requests == []
    assert network.connects == []


@pytest.mark.parametrize("template", LOOPBACK_URLS)
def test_posting_to_a_loopback_inbox_is_refused_for_good(guarded, network, peer, template):
    url = template.format(port=port_of(peer)).replace("/users/ana", "/inbox")
    outcome = delivery.post(delivery.Request(1, 1, url, b"{}", {"Content-Type": "application/activity+json"}),
                            timeout=2)
    assert outcome.status == 400
    assert outcome.error.startswith("Refused: ")
    assert "private or local address" in outcome.error or "special-use name" in outcome.error
    assert peer.requests == []
    assert network.connects == []


@pytest.mark.parametrize("url", ["http://10.0.0.1/users/ana", "http://169.254.169.254/latest/meta-data/",
                                 "https://[fd00::1]/users/ana", "http://[fe80::1]:8080/inbox",
                                 "https://192.168.0.1:8443/inbox"])
def test_unroutable_private_addresses_are_refused_at_once(db, guarded, network, url):
    started = time.monotonic()
    with pytest.raises(remote.FetchError, match="private or local address|special-use name"):
        remote.fetch(url)
    outcome = delivery.post(delivery.Request(1, 1, url, b"{}", {}), timeout=2)
    assert (outcome.status, outcome.error[:9]) == (400, "Refused: ")
    assert network.connects == []
    assert time.monotonic() - started < 1


def test_a_name_that_resolves_to_a_private_address_among_public_ones_is_refused(db, guarded, network):
    network.names["mixed.example.org"] = [[PUBLIC, "10.1.2.3"]]
    with pytest.raises(remote.FetchError, match=r"mixed\.example\.org resolves to 10\.1\.2\.3"):
        remote.fetch("https://mixed.example.org/users/ana")
    assert network.connects == []


@pytest.fixture
def loopback_six() -> Iterator[Peer]:
    try:
        server = start_peer("::1")
    except OSError as error:
        pytest.skip(f"IPv6 loopback is not available: {error}")
    server.add_user("ana")
    yield server
    server.stop()


def test_ipv6_loopback_is_refused_and_answers_with_the_setting_on(db, settings, network, loopback_six):
    url = f"{loopback_six.base}/users/ana"
    settings.FEDERATION_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(remote.FetchError, match="private or local address|special-use name"):
        remote.fetch(url)
    assert delivery.post(delivery.Request(1, 1, url, b"{}", {}), timeout=2).status == 400
    assert loopback_six.requests == [] and network.connects == []
    settings.FEDERATION_ALLOW_PRIVATE_ADDRESSES = True
    assert remote.fetch(url)[1]["id"] == url
    assert [(request.method, request.path) for request in loopback_six.requests] == [("GET", "/users/ana")]


def test_a_refused_inbox_fails_for_good_without_retries(outlet, guarded, network, peer):
    actor = actors.outlet_actor(outlet.en)
    activity = delivery.record(actor, {"type": "Create", "actor": actors.actor_uri(actor)})
    url = f"http://127.0.0.1:{port_of(peer)}/inbox"
    inbox = Inbox.objects.create(url=url, domain="127.0.0.1")
    item = Delivery.objects.create(activity=activity, inbox=inbox)
    assert delivery.deliver_now([item.pk]) == {"delivered": 0, "failed": 1, "retrying": 0}
    item.refresh_from_db()
    assert item.state == Delivery.State.FAILED
    assert item.last_error.startswith("Refused: 127.0.0.1 is a private or local address")
    assert peer.requests == [] and network.connects == []


def test_a_name_that_does_not_resolve_is_retried(monkeypatch, guarded):
    def no_such_name(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    outcome = delivery.post(delivery.Request(1, 1, "https://gone.example.org/inbox", b"{}", {}), timeout=2)
    assert outcome.status is None and "gaierror" in outcome.error


def test_each_redirect_hop_is_checked(db, guarded, network, peer):
    network.routes[(PUBLIC, 80)] = network.routes[(OTHER_PUBLIC, 80)] = ("127.0.0.1", port_of(peer))
    peer.redirects["/public-hop"] = f"http://{OTHER_PUBLIC}/users/ana"
    fetched_from, data = remote.fetch(f"http://{PUBLIC}/public-hop")
    assert fetched_from == f"http://{OTHER_PUBLIC}/users/ana" and data["preferredUsername"] == "ana"

    peer.requests.clear()
    network.connects.clear()
    peer.redirects["/to-loopback"] = f"{peer.base}/users/ana"
    peer.redirects["/to-metadata"] = "http://169.254.169.254/latest/meta-data/"
    for path in ("/to-loopback", "/to-metadata"):
        with pytest.raises(remote.FetchError, match="private or local address"):
            remote.fetch(f"http://{PUBLIC}{path}")
    assert [request.path for request in peer.requests] == ["/to-loopback", "/to-metadata"]
    assert network.connects == [(PUBLIC, 80), (PUBLIC, 80)]


def test_the_connection_goes_to_the_address_checked_not_to_a_new_lookup(db, guarded, network, peer):
    """DNS rebinding: the name answers a public address, then 127.0.0.1; we look it up once and
    connect to the public one. The Host header, signed, is still the name."""
    network.names["rebind.example.org"] = [[PUBLIC], ["127.0.0.1"]]
    network.routes[(PUBLIC, 80)] = ("127.0.0.1", port_of(peer))
    url = "http://rebind.example.org/users/ana"
    assert remote.fetch(url)[1]["preferredUsername"] == "ana"
    assert network.lookups.count("rebind.example.org") == 1
    assert network.connects == [(PUBLIC, 80)]
    (get,) = peer.received("GET")
    assert get.headers["Host"] == "rebind.example.org"
    signer = actors.instance_actor()
    verify_request("GET", url, CaseInsensitiveMapping(get.headers), b"", lambda key_id: signer.public_key)


def test_an_inbox_post_signed_with_a_key_at_a_private_address_answers_401(outlet, client, guarded, network,
                                                                         peer):
    actor = actors.outlet_actor(outlet.en)
    follow = {"@context": actors.AS_CONTEXT, "id": f"{peer.actor_uri('ana')}#follows/{uuid.uuid4()}",
              "type": "Follow", "actor": peer.actor_uri("ana"), "object": actors.actor_uri(actor)}
    body = json.dumps(follow).encode()
    path = f"/ap/actors/{actor.username}/inbox"
    signed = sign_request("POST", f"http://localhost{path}", body, key_id=peer.key_id("ana"),
                          private_pem=peer.users["ana"].private_pem)
    headers = {key: value for key, value in signed.items() if key.lower() != "host"}
    response = client.post(path, data=body, content_type="application/activity+json",
                           headers={"Host": "localhost", **headers})
    assert response.status_code == 401
    assert peer.requests == [] and network.connects == []
    assert not Follower.objects.exists() and not RemoteActor.objects.exists()


def certificate_files(directory: Path, name: str) -> tuple[Path, Path, Path]:
    """A throwaway CA, and a certificate it signed for `name`: (CA file, cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now, hour = datetime.datetime.now(datetime.UTC), datetime.timedelta(hours=1)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - hour).not_valid_after(now + hour)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                                       key_cert_sign=True, crl_sign=True, encipher_only=False,
                                       decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - hour).not_valid_after(now + hour)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = directory / "ca.pem", directory / f"{name}.pem", directory / f"{name}.key"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return files


@dataclass
class TLSPeer:
    """An HTTPS server on 127.0.0.1 with a certificate for one name; records the SNI and Host it got."""

    server: ThreadingHTTPServer
    server_names: list[str | None] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)

    @property
    def port(self) -> int:
        return self.server.server_address[1]


@contextmanager
def tls_peer(directory: Path, name: str) -> Iterator[TLSPeer]:
    ca_file, cert_file, key_file = certificate_files(directory, name)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
            holder.hosts.append(self.headers["Host"])
            payload = json.dumps({"id": f"https://{self.headers['Host']}{self.path}"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/activity+json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def get_request(self):
            sock, address = super().get_request()
            return context.wrap_socket(sock, server_side=True), address

        def handle_error(self, request, client_address) -> None:
            pass  # a client that refuses our certificate

    def remember_name(_sock, server_name, _context) -> None:
        holder.server_names.append(server_name)

    context.sni_callback = remember_name
    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder = TLSPeer(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield holder
    finally:
        server.shutdown()
        server.server_close()


def test_https_goes_to_the_checked_address_and_verifies_the_certificate_for_the_name(
        db, tmp_path, monkeypatch, network, request):
    """With the setting on (the peer is on 127.0.0.1): the name is resolved by us, yet TLS sends
    it as SNI and checks the certificate against it; a certificate for another name is refused."""
    network.names["peer.example"] = [["127.0.0.1"]]
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    addresses.tls_context.cache_clear()  # the shared context is made again, trusting the test's CA
    request.addfinalizer(addresses.tls_context.cache_clear)
    with tls_peer(tmp_path, "peer.example") as peer:
        url = f"https://peer.example:{peer.port}/users/ana"
        assert remote.fetch(url)[1]["id"] == url
        assert peer.server_names == ["peer.example"]
        assert peer.hosts == [f"peer.example:{peer.port}"]
        assert network.lookups.count("peer.example") == 1
    with tls_peer(tmp_path, "other.example") as peer:
        with pytest.raises(remote.FetchError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
            remote.fetch(f"https://peer.example:{peer.port}/users/ana")
        assert peer.hosts == []
