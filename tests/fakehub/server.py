"""A fake Hugging Face Papers server: real HTTP/1.1 on 127.0.0.1, a random port, injectable faults.

    with FakeHub(corpus) as hub:
        hub.inject("429", path="/api/daily_papers", reset=2)
        httpx.get(hub.url + "/api/daily_papers")

Thread-safe; ``stop()`` closes open keep-alive connections and joins every handler thread.
"""

from __future__ import annotations

import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.fakehub.corpus import Corpus
from tests.fakehub.faults import HOSTILE_KINDS, Fault, Headers, Response, fault_response
from tests.fakehub.routes import route

__all__ = ["FakeHub", "Fault", "Headers"]


class FakeHub:
    """The fake hub over a :class:`Corpus`; ``slim_search`` serves the 2024 search shape."""

    def __init__(self, corpus: Corpus, *, slim_search: bool = False) -> None:
        self.corpus = corpus
        self.slim_search = slim_search
        self.requests: list[tuple[str, str, dict[str, str], Headers]] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeHub:
        """Bind 127.0.0.1 (a free port unless ``port``) and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("FakeHub already started")
        self._stopping.clear()
        server = _Server(("127.0.0.1", port), _Handler)
        server.hub = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},  # how long stop() may wait,
            name=f"fakehub-{server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections and join all threads (idempotent)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()  # wakes handlers sleeping in a latency fault
        server.shutdown()
        server.drop_connections()  # and joins the handler threads
        server.server_close()
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeHub is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:43567`` (use it as HF_ENDPOINT)."""
        return f"http://127.0.0.1:{self.port}"

    # --- faults -------------------------------------------------------------------------------

    def inject(
        self, kind: str, *, path: str | None = None, times: int | None = 1, **params: Any
    ) -> Fault:
        """Make the next ``times`` requests whose path starts with ``path`` (any when None) fail
        as ``kind``: latency(seconds=), 429(reset=), 500, 503, malformed, truncated,
        html(status=502), drop, or one of the hostile kinds of ``hostile_faults.py``.
        ``times=None`` means forever. Latency combines with others."""
        fault = Fault(kind, path, times, params)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_faults(self, path: str) -> tuple[float, Fault | None]:
        """Consume the matching faults: total latency, and the first failure (if any)."""
        delay = 0.0
        failure: Fault | None = None
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(path):
                    continue
                if fault.kind == "latency":
                    delay += float(fault.params.get("seconds", 1.0))
                elif failure is None:
                    failure = fault
                else:
                    continue
                fault.hit()
                if fault.exhausted:
                    self._faults.remove(fault)
        return delay, failure

    # --- bookkeeping --------------------------------------------------------------------------

    def _record(self, method: str, path: str, query: dict[str, str], headers: Headers) -> None:
        with self._lock:
            self.requests.append((method, path, query, headers))

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        with self._lock:
            return [p for _, p, _, _ in self.requests]

    def count(self, prefix: str = "/") -> int:
        """How many requests had a path starting with ``prefix``."""
        return sum(p.startswith(prefix) for p in self.paths())


class _Server(ThreadingHTTPServer):
    """Tracks its connections and handler threads so that ``stop`` can close idle keep-alive
    sockets and join every thread. Handler threads are daemons (a hub someone forgot to stop
    never blocks interpreter exit), so the stdlib would not join them: we do it ourselves."""

    daemon_threads = True
    hub: FakeHub

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._conns: set[socket.socket] = set()
        self._handlers: list[threading.Thread] = []
        self._conns_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"fakehub-{self.server_address[1]}-conn",
            daemon=True,
        )
        with self._conns_lock:
            self._conns.add(request)
            self._handlers = [t for t in self._handlers if t.is_alive()]
            self._handlers.append(thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def drop_connections(self) -> None:
        """Wake handlers blocked on idle keep-alive sockets, then wait for all of them."""
        with self._conns_lock:
            conns = list(self._conns)
            handlers = list(self._handlers)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed by the peer: nothing left to wake
                continue
        for thread in handlers:
            thread.join(timeout=10)
            if thread.is_alive():  # a bug in the hub: fail loudly rather than hang the suite
                raise RuntimeError(f"{thread.name} did not stop")

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up (timeouts, cancelled tests) are normal here, not worth a traceback.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "fakehub/1.0"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return  # quiet: hundreds of tests start servers

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        hub = self.server.hub
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = Headers((k, v) for k, v in self.headers.items())
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
        hub._record(method, path, query, headers)
        delay, failure = hub._take_faults(path)
        if delay and hub._stopping.wait(delay):
            self.close_connection = True
            return
        if method != "GET":
            response = Response.json(405, {"error": f"{method} not allowed"})
        else:
            response = route(hub.corpus, path, query, headers, slim_search=hub.slim_search)
        if failure is not None:
            if failure.kind == "drop":
                self._drop()
                return
            response = fault_response(failure, response, path=path, query=query,
                                      headers=headers)
        if failure is not None and failure.kind in HOSTILE_KINDS:
            self._send_hostile(response)
            return
        self._send(response, head=method == "HEAD")

    def _send_hostile(self, response: Response) -> None:
        """Send a hostile answer byte by byte or without end, until the client hangs up or the
        hub stops; the connection is closed afterwards (its framing may be a lie)."""
        self.close_connection = True
        stopping = self.server.hub._stopping
        try:
            if response.raw is not None:
                self.wfile.write(response.raw)
                return
            head = [f"HTTP/1.1 {response.status} Fault".encode()]
            head += [f"{k}: {v}".encode() for k, v in response.headers]
            if response.chunked:
                head.append(b"Transfer-Encoding: chunked")
            else:
                head.append(f"Content-Length: {response.content_length}".encode())
            head.append(b"Connection: close")
            blob = b"\r\n".join(head) + b"\r\n\r\n"
            if response.header_gap:
                for i in range(len(blob)):
                    if stopping.wait(response.header_gap):
                        return
                    self.wfile.write(blob[i : i + 1])
                    self.wfile.flush()
            else:
                self.wfile.write(blob)
            body = response.body if response.cut is None else response.body[: response.cut]
            pieces = response.pieces() if response.pieces is not None else iter([body])
            for piece in pieces:
                if stopping.is_set() or (response.gap and stopping.wait(response.gap)):
                    return
                if response.chunked:
                    piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
                self.wfile.write(piece)
                self.wfile.flush()
            if response.chunked:
                self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:  # the client hung up: what a bounded client does
            return
        finally:
            self._drop()

    def _drop(self) -> None:
        """Close the socket without a byte of response."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            return

    def _send(self, response: Response, *, head: bool = False) -> None:
        self.send_response(response.status)
        length = response.content_length
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        if response.cut is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            body = response.body if response.cut is None else response.body[: response.cut]
            self.wfile.write(body)
        if response.cut is not None:
            self.wfile.flush()
            self._drop()
