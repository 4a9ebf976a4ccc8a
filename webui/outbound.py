"""Addresses a beheerder or an API client gives Wegwijs to connect to (an identity
provider, a receiver of events, a Zaken API), kept off the network Wegwijs itself
stands in: an address that resolves to loopback, a private network (RFC 1918, RFC
4193), link-local (with the cloud's metadata service at 169.254.169.254),
multicast or a reserved range is refused. Otherwise whoever may enter an address
could have Wegwijs call its own database, an admin port or the metadata service
for them (server-side request forgery).

Checked twice: when the address is entered (``address_refusal``, a Dutch message
that names the field) and when Wegwijs connects, because a name may resolve
elsewhere by then. At connect time the check is on the address the socket
actually reached (``guarded_session`` for requests, ``guarded_urlopen`` for
urllib), so a name that changes between the check and the connection gets no
further. Through an egress proxy (HTTPS_PROXY) the socket reaches the proxy: then
the name is checked just before connecting (``preflight``) and the proxy is
trusted with the rest.

WEGWIJS_OUTBOUND_ALLOW_LOOPBACK lets loopback through (only loopback): the tests
and a developer's machine run their stand-ins there. Production never sets it
(webui.settings.production sets it off, whatever came before)."""

import http.client
import ipaddress
import socket
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeAddress(OSError):
    """Wegwijs refused to connect to an address; the message says why in Dutch.

    An OSError, so that the HTTP libraries treat it as a connection that failed
    (and the callers' handling of an unreachable system applies)."""


def _loopback_allowed() -> bool:
    return bool(getattr(settings, "WEGWIJS_OUTBOUND_ALLOW_LOOPBACK", False))


NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _unwrapped(ip: IpAddress) -> IpAddress:
    """An IPv4 address carried in IPv6 (::ffff:a.b.c.d, 6to4's 2002::/16, NAT64's
    64:ff9b::/96) is judged as the IPv4 address it reaches."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


# The private networks by name (RFC 1918, RFC 4193, and carrier-grade NAT of RFC
# 6598); whatever else is not global is a reserved range.
PRIVATE_NETWORKS = [
    ipaddress.ip_network(net)
    for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
] + [ipaddress.ip_network("fc00::/7")]


def ip_refusal(ip: IpAddress) -> str:
    """Why Wegwijs may not connect to ``ip`` (Dutch), or "" when it may."""
    ip = _unwrapped(ip)
    if ip.is_loopback:
        return "" if _loopback_allowed() else "van deze server zelf (loopback)"
    if ip.is_link_local:
        return (
            "op het lokale netwerk (link-local, zoals de metadata-dienst"
            " 169.254.169.254)"
        )
    if ip.is_multicast:
        return "voor multicast"
    if any(ip in net for net in PRIVATE_NETWORKS if net.version == ip.version):
        return "in een privénetwerk"
    if not ip.is_global or ip.is_reserved or ip.is_unspecified:
        return "in een gereserveerd adresbereik"
    return ""


def _resolved(host: str, port: int) -> list[IpAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def address_refusal(url: str, *, what: str) -> str:
    """A Dutch sentence naming ``what`` (the field) when ``url`` leads to an
    address Wegwijs may not connect to; "" when it may.

    A name that does not resolve here (yet, or only at an egress proxy) is no
    danger now; the check when Wegwijs connects catches it if it ever resolves
    inward."""
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if not host:
        return f"{what}: dit adres heeft geen servernaam."
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return f"{what}: het poortnummer in dit adres klopt niet."
    try:
        addresses = _resolved(host, port)
    except (OSError, UnicodeError):
        return ""
    for ip in addresses:
        reason = ip_refusal(ip)
        if reason:
            return (
                f"{what}: {host}"
                + (f" wijst naar {ip}," if host != str(ip) else " is")
                + f" een adres {reason}. Wegwijs maakt alleen verbinding met"
                " adressen op het internet."
            )
    return ""


def address_check(url: str, *, what: str) -> None:
    """``address_refusal`` as an exception, just before Wegwijs connects."""
    reason = address_refusal(url, what=what)
    if reason:
        raise UnsafeAddress(reason)


def proxied(url: str) -> bool:
    """Whether the environment sends ``url`` through a proxy (HTTPS_PROXY and
    the like, NO_PROXY respected). Then the socket reaches the proxy, not the
    address, and the check where a connection lands says nothing: the name is
    checked just before instead (``preflight``)."""
    return bool(requests.utils.get_environ_proxies(url))


def preflight(url: str, *, what: str) -> None:
    """Just before connecting through a proxy: the name as it resolves now. (Without
    a proxy the guarded connections check where they land, which is stronger.)"""
    if proxied(url):
        address_check(url, what=what)


def unsafe_cause(exc: BaseException | None, depth: int = 0) -> UnsafeAddress | None:
    """The refusal inside what an HTTP library made of it (requests wraps urllib3,
    which wraps the OSError), to say why in Dutch instead of "unreachable"."""
    if exc is None or depth > 8:
        return None
    if isinstance(exc, UnsafeAddress):
        return exc
    inner: list[Any] = [exc.__cause__, exc.__context__, getattr(exc, "reason", None)]
    inner += [arg for arg in getattr(exc, "args", ()) if isinstance(arg, BaseException)]
    for candidate in inner:
        if isinstance(candidate, BaseException):
            found = unsafe_cause(candidate, depth + 1)
            if found is not None:
                return found
    return None


def _peer_check(sock: socket.socket) -> None:
    """The address the socket reached, judged before anything is sent on it."""
    peer = ipaddress.ip_address(str(sock.getpeername()[0]).split("%")[0])
    reason = ip_refusal(peer)
    if reason:
        sock.close()
        raise UnsafeAddress(f"Wegwijs verbindt niet met {peer}, een adres {reason}.")


# ---- requests (urllib3): zgw-consumers' client, the identity provider ----


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _peer_check(sock)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _peer_check(sock)
        return sock


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every new connection is checked where it landed."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPPool,
            "https": _GuardedHTTPSPool,
        }


def guard_session(session: requests.Session) -> requests.Session:
    """``session`` (a requests.Session or a subclass, such as zgw-consumers'
    client) with the guarded adapter for http and https. Through a proxy
    requests uses a pool of its own, unguarded: call ``preflight`` first."""
    session.mount("http://", GuardedAdapter())
    session.mount("https://", GuardedAdapter())
    return session


def guarded_session() -> requests.Session:
    """A new requests session that connects only to allowed addresses."""
    return guard_session(requests.Session())


# ---- urllib: the delivery of events ----


def _guarded_create_connection(*args: Any, **kwargs: Any) -> socket.socket:
    sock = socket.create_connection(*args, **kwargs)
    _peer_check(sock)
    return sock


class _GuardedStdHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_create_connection


class _GuardedStdHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_create_connection


def _via_proxy(req: urllib.request.Request) -> bool:
    """The request goes to a proxy (urllib's ProxyHandler set it up): the
    connection lands there, which says nothing of the address behind it."""
    return bool(getattr(req, "_tunnel_host", None)) or req.has_proxy()


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> Any:
        if _via_proxy(req):
            return self.do_open(http.client.HTTPConnection, req)
        return self.do_open(_GuardedStdHTTPConnection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> Any:
        context = self._context  # type: ignore[attr-defined]
        if _via_proxy(req):
            return self.do_open(http.client.HTTPSConnection, req, context=context)
        return self.do_open(_GuardedStdHTTPSConnection, req, context=context)


def guarded_urlopen(request: urllib.request.Request, *, timeout: float) -> Any:
    """urllib's urlopen, connecting only to allowed addresses, following no
    redirect elsewhere unchecked (every connection is checked)."""
    opener = urllib.request.build_opener(_GuardedHTTPHandler, _GuardedHTTPSHandler)
    return opener.open(request, timeout=timeout)
