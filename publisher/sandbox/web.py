"""The sandbox's web page: each emulated network's feed, as that network would show it."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from werkzeug.utils import send_file
from werkzeug.wrappers import Request, Response

from publisher.core.i18n import _
from publisher.sandbox.app import Sandbox
from publisher.sandbox.core import Emulator

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f0f2f5;color:#222}
header{background:#24292f;color:#fff;padding:12px 20px}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:16px;padding:16px}
section{background:#fff;border-radius:10px;padding:12px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
section h2{margin:0 0 8px;font-size:18px}
img{max-width:100%;border-radius:6px}
.empty{color:#888}
"""


class FeedPage:
    """WSGI app: ``/`` the feeds, ``/files/<name>`` uploaded media, ``/state.json`` the state."""

    def __init__(self, state_dir: Path) -> None:
        self.sandbox = Sandbox(state_dir)

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
        sections = [self._section(name, e) for name, e in self.sandbox.emulators.items()]
        title = html.escape(_("Sandbox: what each network shows"))
        return (
            f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body><header><h1>{title}</h1></header>"
            f"<main>{''.join(sections)}</main></body></html>"
        )

    def _section(self, name: str, emulator: Emulator) -> str:
        state = self.sandbox.store.read(name)
        feed = emulator.feed_html(state) or (
            f'<p class="empty">{html.escape(_("Nothing published yet."))}</p>'
        )
        return f'<section id="{html.escape(name)}"><h2>{html.escape(name)}</h2>{feed}</section>'
