"""A pull request can write anything into a result file. A source hash written there to pass an
edited post off as unchanged (so that it is not rendered, and its edit not sent) fools at most a
plan that is only shown: the plan apply carries out renders every post and compares what would
be sent with what was."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from conftest import Publisher, write_files

from publisher.content.render import source_hash
from publisher.engine.plan import renderings_wanted
from publisher.engine.workspace import open_workspace
from publisher.state.result_files import HEADER

NEWS = """---
title: Вывоз мусора
networks: [vk, telegram]
---

Мусор в праздники вывозят по графику.
"""
RESULT_FILE = "content/news.published.yml"


def forge_source_hashes(repo: Path) -> None:
    """Write into the result file the source hash the post has now, as an attacker would."""
    ws = open_workspace(repo)
    (post,) = ws.load().posts
    document = yaml.safe_load((repo / RESULT_FILE).read_text(encoding="utf-8"))
    for network, entry in document["networks"].items():
        options = ws.config.network_options.get(network)
        entry["source_hash"] = source_hash(post, network, ws.capabilities[network], options)
    text = HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    (repo / RESULT_FILE).write_text(text, encoding="utf-8")


def shortcut_taken(repo: Path) -> bool:
    """Whether a preview would take the result file's word that the post is unchanged."""
    ws = open_workspace(repo)
    content = ws.load()
    ctx = ws._plan_context()
    return renderings_wanted(content, ws.result_entries(content), ctx, preview=True).render == {}


def test_a_forged_source_hash_does_not_keep_an_edit_from_going_out(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = make_repo({"content/news.md": NEWS})
    run = publisher(repo)
    assert run("apply").exit_code == 0
    write_files(repo, {"content/news.md": NEWS.replace("по графику", "по новому графику")})
    forge_source_hashes(repo)
    run.git("commit", "-qam", "Новый график, и результаты подправлены")
    assert shortcut_taken(repo)  # the forgery is one a preview would believe

    shown = json.loads(run("plan", "--format", "json").output)
    applied = run("apply")

    assert applied.exit_code == 0, applied.output
    assert [a["action"] for a in shown["actions"] if a["post"] == "news"] == ["update"] * 2
    for network in ("vk", "telegram"):
        assert run.texts(network) == ["Мусор в праздники вывозят по новому графику."]


def test_apply_records_the_source_hash_a_preview_then_trusts(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = make_repo({"content/news.md": NEWS})
    run = publisher(repo)
    assert not shortcut_taken(repo)

    assert run("apply").exit_code == 0

    assert shortcut_taken(repo)
    write_files(repo, {"content/news.md": NEWS.replace("по графику", "по новому графику")})
    assert not shortcut_taken(repo)
