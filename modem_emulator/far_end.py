"""The far end: the modem's HTTP stack performing a request for real, with aiohttp.

Modem HTTP stacks send what they were told and hand back what came, so the request is made with as
little help as possible: no redirects followed (the modem reports a 301/302 status), no automatic
decompression (the body is returned as sent, gzip and all), and none of aiohttp's default
`User-Agent`, `Accept`, `Accept-Encoding` or `Content-Type` headers unless the caller gave them.

Failures come back as the typed `FarEndError`s below, one per failure class modems report with their
own codes (SIMCom 7xx in `+HTTPACTION`, Quectel 7xx in `+QHTTPGET`), so dialects can map them.

`TestPki` builds a throwaway CA and server certificate (trustme) for HTTPS tests against 127.0.0.1.
"""

import asyncio
import socket
import ssl
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import aiohttp
import trustme
from yarl import URL

_OPTIONAL_AUTO_HEADERS: Final = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")

type Headers = Mapping[str, str] | Sequence[tuple[str, str]]


class FarEndError(Exception):
    """Base of every way a request can fail beyond the modem."""


class BadUrl(FarEndError):
    """The URL cannot be requested (no host, unsupported scheme)."""


class DnsFailure(FarEndError):
    """The host name did not resolve."""


class ConnectFailed(FarEndError):
    """The TCP connection was refused or the host is unreachable."""


class ConnectTimeout(FarEndError):
    """The TCP connection (or TLS handshake) did not complete in time."""


class TlsFailure(FarEndError):
    """The TLS handshake failed: certificate not trusted, wrong host, protocol mismatch."""


class ReadTimeout(FarEndError):
    """The server went quiet for longer than the read timeout."""


class ResponseError(FarEndError):
    """The server closed the connection early or answered something that is not HTTP."""


class BadRawRequest(FarEndError, ValueError):
    """A raw request text (custom-header mode) is not a complete HTTP/1.x request."""


type FailureTable = Sequence[tuple[type[FarEndError], int]]
"""Each failure class with the number a module reports for it, most specific first."""


def failure_number(error: FarEndError, table: FailureTable, default: int) -> int:
    """The number `table` gives the failure (`default` for a class it does not list)."""
    return next((code for kind, code in table if isinstance(error, kind)), default)


@dataclass(frozen=True)
class FarEndResponse:
    """What the server answered; headers in order and with the server's spelling."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    http_version: str = "1.1"

    def header(self, name: str) -> str | None:
        """The first value of header `name` (case-insensitive)."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)


@dataclass(frozen=True)
class RawRequest:
    """A parsed raw HTTP/1.x request, as a host types it in custom-header mode."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes


def parse_raw_request(raw: bytes) -> RawRequest:
    """Parse request line, headers and body; the body is cut to Content-Length when one is given."""
    head, separator, body = raw.partition(b"\r\n\r\n")
    if not separator:
        raise BadRawRequest("no empty line after the headers")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1.") or not parts[0].isalpha():
        raise BadRawRequest(f"bad request line {lines[0]!r}")
    method, target, _version = parts
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            raise BadRawRequest(f"bad header line {line!r}")
        headers.append((name, value.strip()))
    lowered = {name.lower(): value for name, value in headers}
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        raise BadRawRequest("chunked request bodies are not supported")
    if "content-length" in lowered:
        try:
            length = int(lowered["content-length"])
        except ValueError:
            raise BadRawRequest("bad Content-Length") from None
        if len(body) < length:
            raise BadRawRequest(f"body has {len(body)} bytes, Content-Length says {length}")
        body = body[:length]
    return RawRequest(method.upper(), target, headers, body)


async def perform_request(
    method: str,
    url: str,
    headers: Headers | None,
    body: bytes | None,
    *,
    connect_timeout: float,
    read_timeout: float,
    ssl_context: ssl.SSLContext | None,
    raw_request: bytes | None = None,
    keep_alive: bool = False,
) -> FarEndResponse:
    """Perform one request and return the whole response.

    With `raw_request`, that text decides method, target, headers and body (custom-header mode);
    `url` then only supplies scheme, host and port, and a target in origin form (`/path`) is
    resolved against it. Without `ssl_context`, HTTPS verifies against the system CAs.

    The request says `Connection: close` unless the caller gives a Connection header or asks for
    `keep_alive`, for a module that keeps its connection open between requests: then no
    Connection header goes out (HTTP/1.1 keeps alive by default), so the server decides.
    """
    request_headers: list[tuple[str, str]] = list(
        headers.items() if isinstance(headers, Mapping) else (headers or [])
    )
    if raw_request is not None:
        parsed = parse_raw_request(raw_request)
        method, request_headers, body = parsed.method, parsed.headers, parsed.body
        url = (
            str(_url(url).join(URL(parsed.target, encoded=True)))
            if parsed.target.startswith("/")
            else parsed.target
        )
    target = _url(url)
    given = {name.lower() for name, _value in request_headers}
    skip = [name for name in _OPTIONAL_AUTO_HEADERS if name.lower() not in given]
    timeout = aiohttp.ClientTimeout(
        total=None, connect=connect_timeout, sock_connect=connect_timeout, sock_read=read_timeout
    )
    connector = aiohttp.TCPConnector(
        ssl=ssl_context if ssl_context is not None else True, force_close=not keep_alive
    )
    try:
        async with (
            aiohttp.ClientSession(
                connector=connector,
                auto_decompress=False,
                timeout=timeout,
                cookie_jar=aiohttp.DummyCookieJar(),
            ) as session,
            session.request(
                method,
                target,
                headers=request_headers,
                data=body if body else None,
                skip_auto_headers=skip,
                allow_redirects=False,
            ) as response,
        ):
            payload = await response.read()
            return FarEndResponse(
                status=response.status,
                reason=response.reason or "",
                headers=[
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.raw_headers
                ],
                body=payload,
                http_version=f"{response.version.major}.{response.version.minor}"
                if response.version
                else "1.1",
            )
    except FarEndError:
        raise
    except aiohttp.ClientConnectorDNSError as err:
        raise DnsFailure(str(err)) from err
    except aiohttp.ClientSSLError as err:
        raise TlsFailure(str(err)) from err
    except aiohttp.ConnectionTimeoutError as err:
        raise ConnectTimeout(str(err)) from err
    except aiohttp.ClientConnectorError as err:
        if isinstance(err.os_error, socket.gaierror):
            raise DnsFailure(str(err)) from err
        raise ConnectFailed(str(err)) from err
    except (aiohttp.ServerTimeoutError, TimeoutError) as err:
        raise ReadTimeout(str(err) or "read timeout") from err
    except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError, ValueError) as err:
        raise BadUrl(str(err)) from err
    except ssl.SSLError as err:
        raise TlsFailure(str(err)) from err
    except (aiohttp.ClientError, asyncio.IncompleteReadError, OSError) as err:
        raise ResponseError(f"{type(err).__name__}: {err}") from err


def request_size(
    method: str,
    url: str,
    headers: Headers | None,
    body: bytes | None,
    raw_request: bytes | None = None,
) -> int:
    """Bytes of the request as written on the connection: request line, headers, body.

    What a module's data counter sees, less TCP/IP and TLS overhead: the `Host` and
    `Content-Length` headers aiohttp adds are counted; it adds no others (see `perform_request`).
    """
    if raw_request is not None:
        return len(raw_request)
    target = URL(url, encoded=True)
    items = list(headers.items() if isinstance(headers, Mapping) else (headers or []))
    given = {name.lower() for name, _value in items}
    host = target.raw_host if target.is_default_port() else f"{target.raw_host}:{target.port}"
    if "host" not in given:
        items.insert(0, ("Host", host or ""))
    if body and "content-length" not in given:
        items.append(("Content-Length", str(len(body))))
    head = f"{method} {target.raw_path_qs or '/'} HTTP/1.1\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in items) + "\r\n"
    return len(head.encode("latin-1", "replace")) + len(body or b"")


def response_size(response: FarEndResponse) -> int:
    """Bytes of the response as received: status line, headers, body."""
    head = f"HTTP/{response.http_version} {response.status} {response.reason}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in response.headers) + "\r\n"
    return len(head.encode("latin-1", "replace")) + len(response.body)


def _url(url: str) -> URL:
    try:
        parsed = URL(url, encoded=True)
    except (ValueError, TypeError) as err:
        raise BadUrl(str(err)) from err
    if parsed.scheme not in {"http", "https"} or not parsed.host:
        raise BadUrl(f"not an http(s) URL: {url!r}")
    return parsed


def make_ssl_context(
    verify: bool = True,
    ca_pem: bytes | None = None,
    client_cert_pem: bytes | None = None,
    client_key_pem: bytes | None = None,
) -> ssl.SSLContext:
    """A client TLS context as a modem's SSL configuration describes it.

    `verify=False` is the modems' default (no server authentication); `ca_pem` replaces the system
    CAs; a client certificate needs both its PEM and its key's PEM.
    """
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    if ca_pem is not None:
        context.load_verify_locations(cadata=ca_pem.decode("ascii"))
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if (client_cert_pem is None) != (client_key_pem is None):
        raise ValueError("a client certificate needs both certificate and key")
    if client_cert_pem is not None and client_key_pem is not None:
        # load_cert_chain only reads files.
        with tempfile.TemporaryDirectory() as folder:
            cert_path, key_path = Path(folder, "client.pem"), Path(folder, "client.key")
            cert_path.write_bytes(client_cert_pem)
            key_path.write_bytes(client_key_pem)
            context.load_cert_chain(cert_path, key_path)
    return context


class TestPki:
    """A throwaway CA with a server certificate for the given hosts (default 127.0.0.1)."""

    __test__ = False  # not a pytest test class

    def __init__(self, *hosts: str) -> None:
        self.ca = trustme.CA()
        self.server_cert = self.ca.issue_cert(*(hosts or ("127.0.0.1",)))

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate, to give a modem (or `make_ssl_context`) as its trust anchor."""
        return self.ca.cert_pem.bytes()

    def server_ssl_context(self, *, require_client_cert: bool = False) -> ssl.SSLContext:
        """For the test's HTTPS server."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(context)
        if require_client_cert:
            self.ca.configure_trust(context)
            context.verify_mode = ssl.CERT_REQUIRED
        return context

    def client_ssl_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this CA."""
        return make_ssl_context(verify=True, ca_pem=self.ca_pem)

    def issue_client_cert(self, identity: str = "modem.example") -> tuple[bytes, bytes]:
        """A client certificate signed by this CA: (certificate PEM, key PEM)."""
        cert = self.ca.issue_cert(identity)
        return cert.cert_chain_pems[0].bytes(), cert.private_key_pem.bytes()
