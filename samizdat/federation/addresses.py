"""Outgoing fediverse requests reach public addresses only (no SSRF through a remote server).

A remote server names the addresses we request: an actor's id or inbox, a signature's keyId, a
redirect's Location. Pointed at 127.0.0.1, 10.x, 169.254.169.254 (cloud metadata) or ::1, or at a
name that resolves to one, we would request our own network on its behalf. So the host is resolved
once, every address it resolves to must be public (`is_public`), and the connection goes to those
checked addresses, never to the name again: a DNS answer that changes between the check and the
connection (DNS rebinding) cannot slip in. HTTPS still verifies the certificate for the host name,
which is also the SNI, and the Host header stays the name.

FEDERATION_ALLOW_PRIVATE_ADDRESSES turns the check off (the tests, whose peers run on 127.0.0.1, and
a private test federation); connections are still made to the addresses resolved once.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SocketAddress = tuple[int, int, int, tuple]  # family, type, proto, sockaddr, as getaddrinfo gives them

# The NAT64 well-known prefix carries an IPv4 address in its last 32 bits (RFC 6052); the
# local-use prefix (RFC 8215) translates into a network of the operator's choosing.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Special-use top-level names that never lead to a public server (RFC 2606, 6761, 6762, 9476).
SPECIAL_USE_NAMES = {"example", "invalid", "test", "localhost", "local", "alt", "onion"}


class AddressRefused(Exception):
    """The host is, or resolves to, an address that is not public."""


def is_public(ip: IPAddress) -> bool:
    """Whether the address is a public unicast one; an IPv6 address that carries an IPv4 one
    (IPv4-mapped, NAT64, 6to4) is judged by the IPv4 address it leads to."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
        if ip.is_site_local or ip in LOCAL_NAT64:
            return False
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def resolve(host: str, port: int) -> list[SocketAddress]:
    """The addresses to connect to for host:port, looked up once; AddressRefused when any of them is
    not public or the name is special-use, like news.example or x.test (unless
    FEDERATION_ALLOW_PRIVATE_ADDRESSES), OSError when the name does not resolve."""
    allow_private = settings.FEDERATION_ALLOW_PRIVATE_ADDRESSES
    if not allow_private and host.lower().rstrip(".").rsplit(".", 1)[-1] in SPECIAL_USE_NAMES:
        raise AddressRefused(f"{host} is a special-use name, never a public server")
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [(family, kind, proto, sockaddr) for family, kind, proto, _name, sockaddr in found
                 if family in (socket.AF_INET, socket.AF_INET6)]
    if not addresses:
        raise OSError(f"{host} has no IPv4 or IPv6 address")
    if not allow_private:
        for *_kind, sockaddr in addresses:
            ip = ipaddress.ip_address(sockaddr[0])
            if not is_public(ip):
                where = host if _literal(host) == ip else f"{host} resolves to {ip}, which"
                raise AddressRefused(f"{where} is a private or local address")
    return addresses


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _connect(addresses: list[SocketAddress], timeout: float) -> socket.socket:
    """A TCP connection to the first of the checked addresses that answers."""
    error: OSError | None = None
    for family, kind, proto, sockaddr in addresses:
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
        except OSError as failed:
            sock.close()
            error = failed
            continue
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        return sock
    raise error or OSError("no address to connect to")


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses checked beforehand, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, addresses: list[SocketAddress], *, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to addresses checked beforehand; the certificate is verified for the host
    name, which is also the SNI."""

    def __init__(self, host: str, port: int, addresses: list[SocketAddress], *, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.addresses = addresses
        self.tls = context

    def connect(self) -> None:
        sock = _connect(self.addresses, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every connection (loading the CA certificates costs milliseconds;
    a context is safe to share between threads)."""
    return ssl.create_default_context()


def connection(url: str, timeout: float) -> http.client.HTTPConnection:
    """An unopened connection for an http(s) URL, to the addresses its host resolves to now.

    AddressRefused when one of them is not public, OSError when the host does not resolve,
    http.client.InvalidURL when the URL is not http(s) with a host and a valid port.
    """
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise http.client.InvalidURL(f"Not an http(s) address: {url[:200]}")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError as error:
        raise http.client.InvalidURL(f"Not a valid port in {url[:200]}") from error
    addresses = resolve(parts.hostname, port)
    if parts.scheme == "https":
        return PinnedHTTPSConnection(parts.hostname, port, addresses, timeout=timeout,
                                     context=tls_context())
    return PinnedHTTPConnection(parts.hostname, port, addresses, timeout=timeout)
