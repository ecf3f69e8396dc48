"""``publisher sandbox``: what the emulated networks show, and a citizen's comment on one."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from publisher.core.escape import one_line
from publisher.core.i18n import _
from publisher.sandbox.app import Sandbox


def show_text(state: Path, as_json: bool) -> str:
    """Each network's posts, one line each (or the whole public state as JSON)."""
    view = Sandbox(state).show()
    if as_json:
        return json.dumps(view, ensure_ascii=False, indent=2)
    lines: list[str] = []
    for network, data in view.items():
        posts = data.get("posts", [])
        lines.append(f"{network}: " + _("{n} posts", n=len(posts)))
        accounts = {str(item.get("account") or "") for item in posts}
        for item in posts:
            text = one_line(str(item.get("text") or ""))
            where = f"{item.get('account')} " if len(accounts) > 1 else ""  # only where it tells
            lines.append(f"  {where}[{item.get('id')}] {text[:80]}")
    return "\n".join(lines)


def add_comment(
    state: Path, network: str, post_id: str, text: str, author: str, author_id: str, direct: bool
) -> str:
    """Add the comment (or direct message) and return its id; an author without an id gets
    one made from the name, the same each time."""
    user = author_id or str(100000 + zlib.crc32(author.encode()) % 900000)
    return Sandbox(state).add_comment(network, post_id, text, user, author, direct=direct)
