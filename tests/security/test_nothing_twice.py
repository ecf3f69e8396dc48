"""Nothing is published twice: not after a run killed mid-replace, not by two runs at once, not
because a result file was emptied or damaged."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import INSTAGRAM_ACCOUNT, OK_ACCOUNT, Publisher, jpeg_bytes, write_files

from publisher.engine import lock
from publisher.engine.apply import Applier
from publisher.networks.instagram import InstagramAdapter
from publisher.networks.max import MaxAdapter
from publisher.networks.ok import OkAdapter
from publisher.networks.vk import VkAdapter

PHOTO_POST = """---
title: Каток
networks: [ok, instagram]
media:
  - file: a.jpg
    alt: Каток у школы
---

{text}
"""
REPLACING = """timezone: Europe/Moscow
media_base_url: https://city.example/media/
on_edit_unsupported: replace
"""


class Killed(BaseException):
    """The process dies here (as under SIGKILL: nothing after it runs)."""


def _kill(*_args: Any, **_kwargs: Any) -> Any:
    raise Killed


@pytest.mark.parametrize("moment", ["after the delete", "after the new post is sent"])
def test_a_run_killed_during_replace_leaves_exactly_one_post(
    make_repo: Callable[..., Path],
    publisher: Callable[[Path], Publisher],
    monkeypatch: pytest.MonkeyPatch,
    moment: str,
) -> None:
    repo = make_repo(
        {
            "publisher.yml": REPLACING,
            "accounts/ok.md": OK_ACCOUNT,
            "accounts/instagram.md": INSTAGRAM_ACCOUNT,
            "content/katok/index.md": PHOTO_POST.format(text="Каток открыт."),
            "content/katok/a.jpg": jpeg_bytes(),
        },
        accounts=False,
    )
    run = publisher(repo)
    assert run("apply").exit_code == 0
    write_files(repo, {"content/katok/index.md": PHOTO_POST.format(text="Каток открыт до 22:00.")})
    run.git("commit", "-qam", "Edit the text: OK and Instagram replace the post")

    with monkeypatch.context() as m:
        if moment == "after the delete":
            m.setattr(OkAdapter, "publish", _kill)
            m.setattr(InstagramAdapter, "publish", _kill)
        else:
            m.setattr(Applier, "_record_published", _kill)
        with pytest.raises(Killed):
            run("apply")
    rerun = run("apply")  # Instagram looks for the new post; OK cannot: a person must look

    assert rerun.exit_code == 3 and "publisher resolve katok ok" in rerun.output, rerun.output
    assert len(run.feed("ok")) <= 1
    found = [f"--url={p['url']}" for p in run.feed("ok")] or ["--absent"]
    assert run("resolve", "katok", "ok", *found).exit_code == 0
    result = run("apply")
    assert result.exit_code == 0, result.output
    for network in ("ok", "instagram"):
        texts = [p.get("text") or p.get("caption") for p in run.feed(network)]
        assert texts == ["Каток открыт до 22:00."], network


NEWS = """---
title: {title}
networks: [vk, telegram]
---

{title}: подробности на сайте.
"""


def _two_posts(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {
            "content/a.md": NEWS.format(title="Вывоз мусора"),
            "content/b.md": NEWS.format(title="Ремонт дороги"),
        }
    )


def _counts(run: Publisher) -> dict[str, int]:
    return {network: len(run.feed(network)) for network in ("vk", "telegram")}


def test_a_second_apply_in_the_same_clone_gives_up_while_the_first_runs(
    make_repo: Callable[..., Path],
    publisher: Callable[[Path], Publisher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run = publisher(_two_posts(make_repo))
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.3)

    with lock.run_lock(run.repo):  # the first run, publishing
        result = run("apply")

    assert result.exit_code == 1
    assert "в этой папке уже идёт другой запуск publisher" in result.output
    assert _counts(run) == {"vk": 0, "telegram": 0}
    assert run("apply").exit_code == 0
    assert _counts(run) == {"vk": 2, "telegram": 2}


def test_a_second_apply_waits_for_the_first_then_publishes_nothing_twice(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = publisher(_two_posts(make_repo))
    first = lock.run_lock(run.repo)  # the first run holds the lock for half a second
    first.__enter__()
    release = threading.Timer(0.5, first.__exit__, (None, None, None))
    release.start()

    result = run("apply")
    release.join()

    assert result.exit_code == 0, result.output
    assert "ждём" in result.output
    assert _counts(run) == {"vk": 2, "telegram": 2}


def test_two_apply_processes_at_once_publish_each_post_once(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = publisher(_two_posts(make_repo))
    command = [sys.executable, "-m", "publisher", "--repo", str(run.repo)]
    command += ["--sandbox", str(run.state), "apply", "--no-commit"]
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)]
    processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    outputs = [p.communicate(timeout=120)[0].decode() for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    assert _counts(run) == {"vk": 2, "telegram": 2}


@pytest.mark.parametrize("damage", ["", "networks: [telegram\n  vk: {state: published\n"])
def test_a_damaged_result_file_holds_its_post_back_and_the_others_go_out(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher], damage: str
) -> None:
    run = publisher(_two_posts(make_repo))
    assert run("apply").exit_code == 0
    write_files(
        run.repo,
        {"content/a.published.yml": damage, "content/c.md": NEWS.format(title="Новый каток")},
    )
    run.git("add", "--all")
    run.git("commit", "-qm", "A result file emptied or broken, a new post added")

    for command in (["check"], ["plan"], ["resolve", "a", "telegram", "--absent"]):
        shown = run(*command)
        assert shown.exit_code == 1 and "content/a.published.yml:" in shown.output, command
    result = run("apply")

    assert result.exit_code == 1
    assert "content/a.published.yml:" in result.output
    assert _counts(run) == {"vk": 3, "telegram": 3}  # a and b once each, and the new c
    assert (run.repo / "content/a.published.yml").read_text(encoding="utf-8") == damage


SAME_TEXT = "---\ntitle: {title}\nnetworks: [{network}]\n---\n\nПриём граждан переносится.\n"
MAX_ACCOUNT = '---\nnetwork: max\nid: "-71234567890"\ntoken_env: MAX_BOT_TOKEN\n---\nКанал.\n'


@pytest.mark.parametrize("adapter", [VkAdapter, MaxAdapter])
def test_a_lost_post_is_not_taken_for_another_post_with_the_same_text(
    make_repo: Callable[..., Path],
    publisher: Callable[[Path], Publisher],
    monkeypatch: pytest.MonkeyPatch,
    adapter: type,
) -> None:
    network = "vk" if adapter is VkAdapter else "max"
    first = SAME_TEXT.format(title="Приём", network=network)
    repo = make_repo({"content/2026/12/a.md": first, "accounts/max.md": MAX_ACCOUNT})
    run = publisher(repo)
    assert run("apply").exit_code == 0
    second = SAME_TEXT.format(title="Приём, повтор", network=network)
    write_files(repo, {"content/2026/12/b.md": second})
    run.git("add", "-A")
    run.git("commit", "-qm", "Второй пост с тем же текстом")
    with monkeypatch.context() as patch:  # killed after the intent, before the network answered
        patch.setattr(adapter, "publish", _kill)
        with pytest.raises(Killed):
            run("apply")

    result = run("apply")

    def entry(name: str) -> dict[str, Any]:
        text = (repo / f"content/2026/12/{name}.published.yml").read_text(encoding="utf-8")
        return dict(yaml.safe_load(text)["networks"][network])

    assert result.exit_code == 3, result.output  # a person decides, nothing is guessed
    assert "publisher resolve" in result.output
    assert len(run.feed(network)) == 1, "nothing was posted twice"
    assert entry("a")["state"] == "published"
    assert entry("b")["state"] == "intent", "the other post's publication is not claimed"
    assert entry("b").get("remote_id") != entry("a")["remote_id"]
