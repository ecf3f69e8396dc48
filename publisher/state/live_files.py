"""``live/<post id>.yml``: the broadcasts a post announces, by account, as ``apply`` made them.

Machine-owned like the result files: the video, the link people watch, the state the network
last showed and when the broadcast ended. Never the stream key: that is asked of the network
by ``publisher live key`` and printed to the broadcaster's terminal only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from publisher.core.model import Broadcast
from publisher.state.atomic import write_atomic

LIVE_DIR = "live"
HEADER = (
    "# Этот файл ведёт publisher: трансляции поста и ссылки на них (ключей здесь нет). Не "
    "редактируйте его.\n# Machine-owned: written by publisher apply. Do not edit by hand.\n"
)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LIVE_FILE_ERRORS = (yaml.YAMLError, AttributeError, TypeError, ValueError, KeyError, OSError)


@dataclass(frozen=True)
class LiveEntry:
    """One account's broadcast: the broadcast, when it was made and when it ended."""

    broadcast: Broadcast
    created: str = ""
    ended: str = ""


def live_file_path(post_id: str) -> str:
    return f"{LIVE_DIR}/{post_id}.yml"


def is_live_file(rel: str) -> bool:
    return rel.startswith(LIVE_DIR + "/") and rel.endswith(".yml")


def read_live_file(repo: Path, rel: str) -> dict[str, LiveEntry]:
    """The broadcasts by account name; none when the file is not there."""
    path = repo / rel
    if not path.exists():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    found = {}
    for name, raw in dict(data.get("broadcasts") or {}).items():
        broadcast = Broadcast(str(raw["video"]), str(raw["url"]), str(raw.get("status") or ""))
        found[str(name)] = LiveEntry(
            broadcast, str(raw.get("created") or ""), str(raw.get("ended") or "")
        )
    return found


def write_live_file(repo: Path, rel: str, post_id: str, entries: Mapping[str, LiveEntry]) -> None:
    document = {
        "post": post_id,
        "broadcasts": {
            name: {
                "video": entry.broadcast.video,
                "url": entry.broadcast.url,
                "status": entry.broadcast.status,
                "created": entry.created,
                **({"ended": entry.ended} if entry.ended else {}),
            }
            for name, entry in sorted(entries.items())
        },
    }
    target = repo / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    text = HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    write_atomic(target, text, prefix=".live.")
