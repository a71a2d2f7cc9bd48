"""Small real proxies for tests, on 127.0.0.1 only, forwarding only to 127.0.0.1.

    with HttpProxy() as proxy:        # a forwarding HTTP proxy (no CONNECT): http:// only
        fetcher = Fetcher(proxy=proxy.url)
        proxy.requests                # ["http://127.0.0.1:PORT/feed.xml", ...], as asked

    with Socks5Proxy() as proxy:      # SOCKS5, no authentication, CONNECT only
        fetcher = Fetcher(proxy=proxy.url)
        proxy.connects                # [("127.0.0.1", PORT), ...]

A request for any other host is refused (HTTP 403; SOCKS reply 2, not allowed): the
tests never reach past the loopback interface.
"""

from __future__ import annotations

import http.client
import selectors
import socket
import socketserver
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

__all__ = ["HttpProxy", "Socks5Proxy"]

_LOOPBACK = ("127.0.0.1", "localhost")
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "te"}


class _Running:
    """Serve in a thread while in the ``with`` block."""

    server: socketserver.BaseServer
    scheme = ""

    def __enter__(self) -> _Running:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"{self.scheme}://{host!s}:{port}"


class _HttpHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5.0
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner.requests.append(self.path)
        target = urlsplit(self.path)  # a proxy is asked for the absolute URL
        if target.scheme != "http" or target.hostname not in _LOOPBACK:
            self._answer(403, b"only http://127.0.0.1 here")
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        self.server.owner.headers.append(headers)
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=5)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            upstream.request("GET", path or "/", headers=headers)
            response = upstream.getresponse()
            body = response.read()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP | {"transfer-encoding", "content-length"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Via", "1.1 test-proxy")
            self.end_headers()
            self.wfile.write(body)
        finally:
            upstream.close()

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: HttpProxy


class HttpProxy(_Running):
    scheme = "http"

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.server = _HttpServer(("127.0.0.1", 0), _HttpHandler)
        self.server.owner = self

    def __enter__(self) -> HttpProxy:
        super().__enter__()
        return self


class _SocksHandler(socketserver.BaseRequestHandler):
    server: _SocksServer

    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(5)
        version, count = _read(client, 2)
        if version != 5:
            return
        methods = _read(client, count)
        if 0 not in methods:
            client.sendall(b"\x05\xff")
            return
        client.sendall(b"\x05\x00")
        _, command, _, kind = _read(client, 4)
        if kind == 1:
            host = socket.inet_ntoa(_read(client, 4))
        elif kind == 3:
            host = _read(client, _read(client, 1)[0]).decode("ascii", "replace")
        else:
            client.sendall(b"\x05\x08\x00\x01" + bytes(6))  # address type not supported
            return
        (port,) = struct.unpack("!H", _read(client, 2))
        self.server.owner.connects.append((host, port))
        if command != 1 or host not in _LOOPBACK:
            client.sendall(b"\x05\x02\x00\x01" + bytes(6))  # not allowed
            return
        upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
        try:
            client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + bytes(2))
            _relay(client, upstream)
        finally:
            upstream.close()


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed during the SOCKS handshake")
        data += chunk
    return data


def _relay(one: socket.socket, other: socket.socket) -> None:
    """Copy both ways until either side closes (or 10 s of silence). A selector, not
    select.select: late in a test run the sockets' numbers pass 1023, which select()
    refuses (the relay failed, and the client saw the connection closed)."""
    with selectors.DefaultSelector() as selector:
        selector.register(one, selectors.EVENT_READ)
        selector.register(other, selectors.EVENT_READ)
        while True:
            ready = selector.select(10)
            if not ready:
                return
            for key, _ in ready:
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                data = sock.recv(65536)
                if not data:
                    return
                (other if sock is one else one).sendall(data)


class _SocksServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: Socks5Proxy

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-relay


class Socks5Proxy(_Running):
    scheme = "socks5"

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []
        self.server = _SocksServer(("127.0.0.1", 0), _SocksHandler)
        self.server.owner = self

    def __enter__(self) -> Socks5Proxy:
        super().__enter__()
        return self
