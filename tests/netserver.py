"""A small real HTTP/1.1 server for tests, on 127.0.0.1 only.

    with FeedServer() as server:
        server.route("/feed.xml", Response(body=b"<rss/>", headers={"ETag": '"1"'}))
        server.feed("/cond.xml", body, etag='"v1"')           # answers 304 to validators
        server.redirect("/old", "/new", status=301)
        server.route("/custom", lambda request: Response(status=204))
        url = server.url("/feed.xml")                      # or server.url(path, host="localhost")
        ...
        server.requests          # [Request(method, path, headers, host, client)], in order
        server.peak_in_flight    # most requests handled at once, overall
        server.peak_by_host      # {"127.0.0.1": 2, "localhost": 2}

POST requests are answered like GET; their body is in `Request.body`.
A `Response` can misbehave on purpose: `delay` (silence after reading the request),
`drip` (one body byte every `drip` seconds), `content_length` (advertise more than is sent,
then close: a truncated body), `stream` (chunked body from an iterable, possibly endless).
`drop` closes the connection without a word. Sleeps end early when the server stops, so
a stalled handler never holds up a test. `FeedServer(tls=context)` serves HTTPS.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["FeedServer", "Handler", "Request", "Response"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # as sent, with the query string
    headers: dict[str, str]  # header names in lower case
    host: str  # the Host header without the port
    client: tuple[str, int] = ("", 0)  # the client's address: one per connection
    body: bytes = b""  # a POST's body

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] | Sequence[tuple[str, str]] = field(default_factory=dict)
    delay: float = 0.0  # seconds of silence before the status line
    drip: float | None = None  # send the body one byte at a time, this many seconds apart
    content_length: int | None = None  # advertised length, when it must differ from the body
    stream: Iterable[bytes] | None = None  # chunked body (ignores `body`); may be endless
    close: bool = False  # close the connection after this response
    drop: bool = False  # close the connection without answering at all


Handler = Callable[[Request], Response]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: FeedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up on purpose are part of the tests


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5.0  # idle keep-alive connections end by themselves
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.owner._handle(self)

    def do_HEAD(self) -> None:
        self.server.owner._handle(self)

    def do_POST(self) -> None:
        self.server.owner._handle(self)


class FeedServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._tls = tls
        self._routes: dict[str, Response | Handler] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._requests: list[Request] = []
        self._in_flight = 0
        self._in_flight_by_host: dict[str, int] = {}
        self.peak_in_flight = 0
        self.peak_by_host: dict[str, int] = {}
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # life cycle ---------------------------------------------------------------------------

    def __enter__(self) -> FeedServer:
        self._httpd = _Server(("127.0.0.1", 0), _RequestHandler)
        self._httpd.owner = self
        if self._tls is not None:
            self._httpd.socket = self._tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        assert self._httpd is not None, "use the server inside `with`"
        return int(self._httpd.server_address[1])

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        scheme = "http" if self._tls is None else "https"
        return f"{scheme}://{host}:{self.port}{path}"

    # routes -------------------------------------------------------------------------------

    def route(self, path: str, response: Response | Handler) -> None:
        """Serve `path` (without query) with a canned response or a handler."""
        with self._lock:
            self._routes[path] = response

    def redirect(self, path: str, location: str, status: int = 301) -> None:
        self.route(path, Response(status=status, headers={"Location": location}))

    def feed(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        content_type: str = "application/rss+xml; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """A resource that honours If-None-Match and If-Modified-Since with a 304."""
        validators = {}
        if etag is not None:
            validators["ETag"] = etag
        if last_modified is not None:
            validators["Last-Modified"] = last_modified

        def handler(request: Request) -> Response:
            inm = request.header("if-none-match")
            ims = request.header("if-modified-since")
            if inm is not None and etag is not None:
                fresh = inm.strip() == "*" or etag in [tag.strip() for tag in inm.split(",")]
            else:
                fresh = ims is not None and last_modified is not None and ims == last_modified
            if fresh:
                return Response(status=304, headers=validators)
            return Response(
                body=body, headers={"Content-Type": content_type, **validators, **(headers or {})}
            )

        self.route(path, handler)

    # what the server saw ----------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def reset_stats(self) -> None:
        with self._lock:
            self._requests.clear()
            self.peak_in_flight = 0
            self.peak_by_host.clear()

    # serving ------------------------------------------------------------------------------

    def _handle(self, h: _RequestHandler) -> None:
        headers = {name.lower(): value for name, value in h.headers.items()}
        host = headers.get("host", "")
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        client = (str(h.client_address[0]), int(h.client_address[1]))
        length = headers.get("content-length", "0").strip()
        body = h.rfile.read(int(length)) if length.isdigit() and int(length) > 0 else b""
        request = Request(h.command, h.path, headers, host, client, body)
        with self._lock:
            self._requests.append(request)
            route = self._routes.get(h.path.split("?", 1)[0])
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
            count = self._in_flight_by_host.get(host, 0) + 1
            self._in_flight_by_host[host] = count
            self.peak_by_host[host] = max(self.peak_by_host.get(host, 0), count)
        try:
            if route is None:
                response = Response(status=404, body=b"not found")
            elif isinstance(route, Response):
                response = route
            else:
                response = route(request)
            self._send(h, response)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            h.close_connection = True
        finally:
            with self._lock:
                self._in_flight -= 1
                self._in_flight_by_host[host] -= 1

    def _send(self, h: _RequestHandler, response: Response) -> None:
        if response.delay and self._stop.wait(response.delay):
            h.close_connection = True
            return
        if response.drop:
            h.close_connection = True
            return
        h.send_response(response.status)
        items = (
            list(response.headers.items())
            if isinstance(response.headers, Mapping)
            else list(response.headers)
        )
        names = {name.lower() for name, _ in items}
        for name, value in items:
            h.send_header(name, value)
        bodiless = h.command == "HEAD" or response.status in (204, 304)
        if response.stream is not None:
            h.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in names and response.status not in (204, 304):
            length = response.content_length
            h.send_header("Content-Length", str(len(response.body) if length is None else length))
        if response.close or response.content_length is not None:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        h.wfile.flush()
        if bodiless:
            return
        if response.stream is not None:
            for chunk in response.stream:
                if self._stop.is_set():
                    h.close_connection = True
                    return
                if chunk:
                    h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.write(b"0\r\n\r\n")
        elif response.drip is not None:
            for i in range(len(response.body)):
                h.wfile.write(response.body[i : i + 1])
                h.wfile.flush()
                if self._stop.wait(response.drip):
                    h.close_connection = True
                    return
        else:
            h.wfile.write(response.body)
        h.wfile.flush()
