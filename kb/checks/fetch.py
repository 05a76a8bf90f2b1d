"""One HTTP exchange under a hard wall-clock deadline, with a cap on what it may read.

httpx's timeouts apply to each socket operation, so a target sending one byte every two
seconds never trips a five-second read timeout. Here a watchdog shuts the connection's
socket down when the deadline passes, whatever phase the exchange is in (connecting,
TLS handshake, headers, body): the blocked read returns at once and the exchange ends as
"deadline exceeded". The body is read raw, at most MAX_BODY bytes; kb asks for
`Accept-Encoding: identity`, and a server that compresses anyway is decompressed with the
same cap on the decoded bytes, so a gzip bomb costs 64 KiB, not 67 MB.

The response time runs from sending the request to the end of the body: building the
client and waiting for a free worker are not part of it.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import httpx

MAX_BODY = 64 * 1024
_local = threading.local()  # the guard of the exchange running on this thread


@dataclass
class Fetched:
    """What came back, or the named reason nothing usable did."""

    error: str = ""  # empty when a whole response was read
    connected: bool = False  # a TCP connection was made (Gatus's [CONNECTED])
    status: int | None = None
    text: str = ""
    ms: int = 0  # from sending the request to the end of the body
    certificate_expiration_ms: int = 0  # 0 for plain HTTP, as in Gatus
    deadline: bool = False  # the error is the deadline


class _Guard:
    """Shuts down every socket of one exchange when its deadline fires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.fired = False
        self._done = False

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self._done:
                return
            self._sockets.append(sock)
            if self.fired:
                _shut(sock)

    def fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            for sock in self._sockets:
                _shut(sock)

    def disarm(self) -> None:
        """After this the guard touches nothing. (A socket closed meanwhile is safe to
        shut down anyway: a closed socket object no longer holds a file descriptor.)"""
        with self._lock:
            self._done = True
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    # shutdown() wakes a blocked recv at once (close() would not); a socket already
    # closed, or not connected yet, has nothing to wake.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedSSLSocket(ssl.SSLSocket):
    """A TLS socket that puts itself under the running exchange's guard before its
    handshake, so a target trickling the handshake is cut at the deadline too."""

    def do_handshake(self, block: bool = False) -> None:
        guard = getattr(_local, "guard", None)
        if guard is not None:
            guard.watch(self)
        super().do_handshake(block)


@cache
def tls_context() -> ssl.SSLContext:
    """One verifying context per process: loading the CA bundle per probe costs tens of
    milliseconds of CPU, which a busy machine turned into seconds."""
    context = httpx.create_ssl_context(trust_env=False)
    context.sslsocket_class = _WatchedSSLSocket
    return context


def certificate_expiration_ms(certificate: dict | None, now: float) -> int:
    """Milliseconds from `now` (epoch seconds) until the certificate's notAfter."""
    if not certificate or "notAfter" not in certificate:
        return 0
    return int((ssl.cert_time_to_seconds(certificate["notAfter"]) - now) * 1000)


def error_name(error: Exception) -> str:
    """Say which way the request failed, in words an on-call engineer acts on."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return "DNS lookup failed"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return "TLS handshake failed"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, ConnectionResetError):
            return "connection reset by the server"
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, httpx.ConnectTimeout):
        return "connect timeout"
    if isinstance(error, httpx.ReadTimeout):
        return "read timeout"
    if isinstance(error, httpx.ConnectError):
        text = str(error).lower()
        if "name or service" in text or "nodename" in text or "resolution" in text:
            return "DNS lookup failed"
        if "refused" in text:
            return "connection refused"
        if "ssl" in text or "certificate" in text:
            return "TLS error"
        return "cannot connect"
    if isinstance(error, httpx.RemoteProtocolError):
        return "connection closed without a valid response"
    if isinstance(error, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "invalid URL"
    if isinstance(error, httpx.LocalProtocolError | UnicodeEncodeError):
        return "a request header kb cannot send (see the probe's headers and their secrets)"
    if isinstance(error, httpx.ReadError | httpx.WriteError):
        return "connection broken while reading the response"
    return type(error).__name__


def _decode(raw: bytes, encoding: str) -> tuple[bytes | None, str]:
    """The body without its Content-Encoding, at most MAX_BODY decoded bytes."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw, ""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None, f"unsupported Content-Encoding '{encoding[:40]}' (kb asks for identity)"
    attempts = (47,) if encoding != "deflate" else (zlib.MAX_WBITS, -zlib.MAX_WBITS)
    for wbits in attempts:
        try:
            decoder = zlib.decompressobj(wbits)
            decoded = decoder.decompress(raw, MAX_BODY + 1)
        except zlib.error:
            continue
        if len(decoded) > MAX_BODY:
            return None, f"body too large (over {MAX_BODY // 1024} KiB once decompressed)"
        return decoded, ""
    return None, f"invalid {encoding} body"


def _charset(response: httpx.Response) -> str:
    name = response.charset_encoding or "utf-8"
    try:
        "".encode(name)
    except LookupError:
        return "utf-8"
    return name


def _tracer(result: Fetched, guard: _Guard, wall: Callable[[], float]) -> Callable:
    """httpx's trace hook: hands each socket to the watchdog as soon as it exists, and
    notes that a connection was made and when its certificate expires."""

    def trace(event: str, info: dict) -> None:
        if event == "connection.connect_tcp.complete":
            result.connected = True
            guard.watch(info["return_value"].get_extra_info("socket"))
        elif event == "connection.start_tls.complete":
            tls = info["return_value"].get_extra_info("socket")
            guard.watch(tls)
            if isinstance(tls, ssl.SSLSocket):
                result.certificate_expiration_ms = certificate_expiration_ms(
                    tls.getpeercert(), wall()
                )

    return trace


def fetch(
    method: str,
    url: str,
    headers: dict[str, str],
    timeout: float,
    *,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], float] = time.time,
) -> Fetched:
    """Send one request and read its response, all within `timeout` seconds."""
    result = Fetched()
    guard = _Guard()
    deadline = clock() + timeout
    watchdog = threading.Timer(timeout, guard.fire)
    watchdog.daemon = True

    trace = _tracer(result, guard, wall)
    headers = {**headers, "Accept-Encoding": "identity"}
    client = httpx.Client(
        verify=tls_context(),
        trust_env=False,
        follow_redirects=False,
        timeout=httpx.Timeout(timeout),
    )
    _local.guard = guard
    watchdog.start()
    sent = clock()
    try:
        request = client.build_request(method, url, headers=headers, extensions={"trace": trace})
        response = client.send(request, stream=True)
        try:
            result.status = response.status_code
            raw, error = _read_raw(response, deadline, clock)
            guard.disarm()  # the body is in: nothing left to cut
            result.ms = int((clock() - sent) * 1000)
        finally:
            response.close()
        if error:
            result.error = error
            return result
        body, error = _decode(raw, response.headers.get("content-encoding", ""))
        if body is None:
            result.error = error
            return result
        try:
            result.text = body.decode(_charset(response), errors="replace")
        except (UnicodeError, LookupError):  # a codec that is no text encoding (idna, …)
            result.text = body.decode("utf-8", errors="replace")
        return result
    except Exception as failure:  # every way a request can fail is a result
        result.ms = int((clock() - sent) * 1000)
        if guard.fired or clock() >= deadline - 0.01:
            result.error, result.deadline = f"deadline exceeded ({timeout:g} s)", True
        else:
            result.error = error_name(failure)
        return result
    finally:
        guard.disarm()
        watchdog.cancel()
        _local.guard = None
        client.close()


def _read_raw(response: httpx.Response, deadline: float, clock) -> tuple[bytes, str]:
    # A HEAD's, a 204's or a 304's Content-Length is the size of a body not sent: no limit.
    bodiless = response.request.method == "HEAD" or response.status_code in (204, 304)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY and not bodiless:
        return b"", f"body too large ({int(declared)} bytes declared, over {MAX_BODY // 1024} KiB)"
    raw = bytearray()
    for chunk in response.iter_raw():
        raw.extend(chunk)
        if len(raw) > MAX_BODY:
            return b"", f"body too large (over {MAX_BODY // 1024} KiB)"
        if clock() >= deadline:
            raise httpx.ReadTimeout("deadline")
    return bytes(raw), ""
