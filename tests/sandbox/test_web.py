"""The sandbox web page: every network's feed, uploaded media, and the state as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from werkzeug.test import Client

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.sandbox.web import FeedPage


def test_page_shows_each_network_and_serves_media(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock
) -> None:
    from conftest import jpeg_bytes

    post = "---\ntitle: Ёлка\nmedia: [a.jpg]\n---\nЁлка <горит> & сияет\n"
    repo = make_repo({"content/elka/index.md": post, "content/elka/a.jpg": jpeg_bytes()})
    state = tmp_path / "state"
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, {})
    )
    assert result.exit_code == 0, result.output
    client = Client(FeedPage(state))
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for network in ("vk", "telegram", "ok", "max", "facebook", "instagram", "x"):
        assert f'id="{network}"' in html
    assert "Ёлка &lt;горит&gt; &amp; сияет" in html and "<горит>" not in html
    image = html.split('<img src="/files/')[1].split('"')[0]
    served = client.get(f"/files/{image}")
    assert served.status_code == 200 and served.data[:2] == b"\xff\xd8"
    assert client.get("/files/../../etc/passwd").status_code == 404
    state_json = json.loads(client.get("/state.json").get_data(as_text=True))
    assert len(state_json["vk"]["posts"]) == 1


def test_feeds_show_local_times_and_mark_deleted_comments(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock
) -> None:
    from publisher.sandbox.app import Sandbox

    repo = make_repo({"content/elka/index.md": "---\ntitle: Ёлка\nnetworks: [vk]\n---\nЁлка\n"})
    state = tmp_path / "state"
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, {})
    )
    assert result.exit_code == 0, result.output
    sandbox = Sandbox(state)
    post = str(sandbox.show()["vk"]["posts"][0]["id"])
    sandbox.add_comment("vk", post, "Спасибо!\nОчень красиво", "501", "Марина")
    spam = sandbox.add_comment("vk", post, "Кредиты <b>без</b> справок", "502", "Аноним")
    with sandbox.store.transaction("vk") as vk:
        next(c for c in vk["comments"] if str(c["id"]) == spam)["deleted"] = True
    html = Client(FeedPage(state)).get("/").get_data(as_text=True)
    moment = clock.now().astimezone(ZoneInfo("Europe/Moscow"))
    assert f"в {moment:%H:%M}</time>" in html, "the local time, as the network shows it"
    assert "T" not in html.split('<time datetime="')[1].split("</time>")[0].split(">")[1]
    assert "Спасибо!<br>Очень красиво" in html, "line breaks kept"
    assert "Комментарий удалён" in html and "справок" not in html and "Аноним" not in html
    assert 'name="viewport"' in html and "minmax(min(380px,100%),1fr)" in html


def test_the_page_shows_times_in_the_repositorys_time_zone(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock
) -> None:
    """A press service in Vladivostok reads its feeds in its own time, not Moscow's."""
    post = "---\ntitle: Ёлка\nnetworks: [vk]\n---\nЁлка\n"
    repo = make_repo(
        {"content/elka/index.md": post, "publisher.yml": "timezone: Asia/Vladivostok\n"}
    )
    state = tmp_path / "state"
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, {})
    )
    assert result.exit_code == 0, result.output

    html = Client(FeedPage(state, "Asia/Vladivostok")).get("/").get_data(as_text=True)

    local = clock.now().astimezone(ZoneInfo("Asia/Vladivostok"))
    moscow = clock.now().astimezone(ZoneInfo("Europe/Moscow"))
    assert f"в {local:%H:%M}</time>" in html
    assert f"в {moscow:%H:%M}</time>" not in html


def test_sandbox_serve_draws_the_page_in_the_repositorys_time_zone(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock, monkeypatch: Any
) -> None:
    import werkzeug.serving

    served: list[FeedPage] = []
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda *a, **k: served.append(a[2]))
    repo = make_repo({"publisher.yml": "timezone: Asia/Vladivostok\n"})

    result = CliRunner().invoke(
        main,
        ["--repo", str(repo), "sandbox", "serve", "--state", str(tmp_path)],
        obj=Deps(clock, {}),
    )

    assert result.exit_code == 0, result.output
    assert [page.zone for page in served] == ["Asia/Vladivostok"]
