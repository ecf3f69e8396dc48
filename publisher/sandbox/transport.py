"""An httpx transport that hands requests to the sandbox's emulators without a socket.

Unlike ``httpx.WSGITransport`` it streams the request body into the emulator, so uploading a
gigabyte of video keeps memory flat, and it can lose an answer or drop a connection on purpose
when fault injection asks for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import httpx
from werkzeug.wrappers import Request, Response

from publisher.core.clock import Clock
from publisher.sandbox.core import Emulator
from publisher.sandbox.faults import Faults


class Router(Protocol):
    """What the transport needs of the sandbox (``app.Sandbox``): the emulator behind a host,
    the clock and faults that shape each call, and the answer to one request."""

    @property
    def clock(self) -> Clock: ...

    @property
    def faults(self) -> Faults: ...

    def emulator_for(self, host: str) -> Emulator | None: ...

    def handle(self, emulator: Emulator, request: Request, fault: str | None) -> Response: ...


class _StreamReader(io.RawIOBase):
    """A file-like ``read(n)`` over httpx's chunk iterator."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buffer = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            try:
                self._buffer = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]  # a view: no copy of the rest
        return size


def _environ(request: httpx.Request) -> dict[str, Any]:
    url = request.url
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": url.path,
        "QUERY_STRING": url.query.decode("ascii"),
        "SERVER_NAME": url.host,
        "SERVER_PORT": str(url.port or 443),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": url.host,
        "wsgi.url_scheme": url.scheme,
        "wsgi.input": io.BufferedReader(_StreamReader(request.stream), 256 * 1024),  # type: ignore[arg-type]
        "wsgi.input_terminated": True,
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[key] = value
        else:
            environ[f"HTTP_{key}"] = value
    return environ


class SandboxTransport(httpx.BaseTransport):
    """Route each request by host to its emulator, applying latency and faults first."""

    def __init__(self, sandbox: Router) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        emulator = self.sandbox.emulator_for(request.url.host)
        if emulator is None:
            raise httpx.ConnectError(f"sandbox: no emulated network at {request.url.host}")
        faults = self.sandbox.faults
        self.sandbox.clock.sleep(faults.latency(emulator.network))
        fault = faults.draw(emulator.network)
        if fault == "reset":
            raise httpx.ConnectError("connection reset by peer (sandbox fault)", request=request)
        environ = _environ(request)
        incoming = Request(environ)
        try:
            response = self.sandbox.handle(emulator, incoming, fault)
        finally:
            # werkzeug keeps the request in its environ: a reference cycle that would hold the
            # uploaded chunk until the garbage collector runs; break it now
            incoming.close()
            environ.clear()
        if fault == "timeout":
            raise httpx.ReadTimeout("answer lost (sandbox fault)", request=request)
        return httpx.Response(
            response.status_code,
            headers=list(response.headers.items()),
            content=response.get_data(),
            request=request,
        )
