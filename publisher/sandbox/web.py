"""The sandbox's web page: each emulated network's feed, as that network would show it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from publisher.core.capabilities import network_title
from publisher.core.config import Config
from publisher.core.i18n import _
from publisher.sandbox.app import Sandbox
from publisher.sandbox.pages import in_zone, render


class FeedPage:
    """WSGI app: ``/`` the feeds, ``/files/<name>`` uploaded media, ``/state.json`` the state;
    times are shown in ``zone`` (the repository's ``timezone``)."""

    def __init__(self, state_dir: Path, zone: str = Config.timezone) -> None:
        self.sandbox = Sandbox(state_dir)
        self.zone = zone

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self.route(request)
        return response(environ, start_response)

    def route(self, request: Request) -> Response:
        if request.path == "/state.json":
            body = json.dumps(self.sandbox.show(), ensure_ascii=False, indent=2)
            return Response(body, content_type="application/json")
        if request.path.startswith("/files/"):
            path = self.sandbox.store.file_path(request.path.removeprefix("/files/"))
            if not path.is_file():
                return Response("not found", status=404)
            return send_file(path, request.environ)
        if request.path == "/":
            return Response(self.page(), content_type="text/html; charset=utf-8")
        return Response("not found", status=404)

    def page(self) -> str:
        """Each network under its name, its feed grouped by account."""
        with in_zone(self.zone):
            feeds = [
                (name, network_title(name), emulator.feed_html(self.sandbox.store.read(name)))
                for name, emulator in self.sandbox.emulators.items()
            ]
        return render(
            "page.html",
            title=_("Sandbox: what each network shows"),
            nothing=_("Nothing published yet."),
            feeds=feeds,
        )
