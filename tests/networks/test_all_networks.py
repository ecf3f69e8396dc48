"""One post with text, three photos and a poll reaches all seven networks through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from conftest import Sandboxes, jpeg_bytes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "Ёлку на площади нарядили, гирлянды горят каждый вечер до полуночи. "
POST = f"""---
title: Ёлка горит
networks: [vk, ok, telegram, max, facebook, instagram, x]
media:
  - file: a.jpg
    alt: Днём
  - file: b.jpg
    alt: Вечером
  - file: c.jpg
    alt: Каток
poll:
  question: Что добавить на площадь?
  options: [Горку, Ярмарку, Фотозону]
---

{SENTENCE * 6}
"""
CONFIG = """timezone: Europe/Moscow
media_base_url: https://city.example/media/
"""


def test_post_with_three_photos_and_a_poll_on_every_network(
    make_repo: Callable[..., Path], sandboxes: Sandboxes, clock: FakeClock
) -> None:
    accounts = {
        f"accounts/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "accounts").glob("*.md"))
    }
    photos: dict[str, str | bytes] = {
        f"content/elka/{name}.jpg": jpeg_bytes(1080, 1080, color)
        for name, color in (("a", "navy"), ("b", "darkgreen"), ("c", "maroon"))
    }
    design: dict[str, str | bytes] = {
        f"design/{p.name}": p.read_bytes() for p in (ROOT / "design").glob("*.*")
    }
    design.update(
        {f"design/fitted/{p.name}": p.read_bytes() for p in (ROOT / "design/fitted").glob("*")}
    )
    repo = make_repo(
        {"publisher.yml": CONFIG, "content/elka/index.md": POST, **accounts, **photos, **design},
        accounts=False,
    )
    state = sandboxes.state
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, {})
    )
    assert result.exit_code == 0, result.output
    view = sandboxes().show()

    def posts(network: str) -> list[dict[str, Any]]:
        return list(view[network]["posts"])

    (vk,) = posts("vk")
    assert len(vk["media"]) == 3 and vk["poll"]["options"] == ["Горку", "Ярмарку", "Фотозону"]
    (ok,) = posts("ok")
    assert len(ok["media"]) == 3 and ok["poll"]["question"] == "Что добавить на площадь?"
    telegram = posts("telegram")
    assert sum(len(p["media"]) for p in telegram) == 3
    assert [p["poll"]["question"] for p in telegram if p["poll"]] == ["Что добавить на площадь?"]
    (maxpost,) = posts("max")
    assert len(maxpost["media"]) == 3 and maxpost["poll"] is None
    (facebook,) = posts("facebook")
    assert len(facebook["media"]) == 3
    (instagram,) = posts("instagram")
    assert instagram["media_type"] == "CAROUSEL_ALBUM" and len(instagram["media"]) == 3
    (root,) = [p for p in posts("x") if not p.get("reply_to")]
    first, second, poll = [root, *root["thread"]]
    assert len(first["media"]) == 3
    assert first["text"].endswith(" 1/2") and second["text"].endswith(" 2/2")
    assert poll["reply_to"] == second["id"]
    assert poll["poll"]["options"] == ["Горку", "Ярмарку", "Фотозону"]
