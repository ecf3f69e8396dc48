"""Nothing is lost: a post moved or renamed with git mv keeps its publication (nothing deleted,
nothing posted again), and ``publisher new`` gives each post a stable id."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Publisher, jpeg_bytes, write_files

NEWS = """---
title: Вывоз мусора
networks: [vk, telegram]
{id}---

Мусор в праздники вывозят по графику.
"""
BUNDLE = """---
title: Ёлка на площади
networks: [vk, telegram]
media: [a.jpg]
---

Ёлку нарядили.
"""


def _published(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher], post_id: str
) -> Publisher:
    repo = make_repo(
        {
            "content/2026/12/news.md": NEWS.format(id=f"id: {post_id}\n" if post_id else ""),
            "content/2026/12/elka/index.md": BUNDLE,
            "content/2026/12/elka/a.jpg": jpeg_bytes(),
        }
    )
    run = publisher(repo)
    assert run("apply").exit_code == 0
    return run


def _feeds(run: Publisher) -> dict[str, list[str]]:
    return {n: sorted(str(p["id"]) for p in run.feed(n)) for n in ("vk", "telegram")}


def _kinds(run: Publisher) -> set[str]:
    result = run("plan", "--format", "json")
    assert result.exit_code == 0, result.output
    return {str(a["action"]) for a in json.loads(result.output)["actions"]}


@pytest.mark.parametrize("post_id", ["", "vyvoz-musora"])
@pytest.mark.parametrize(
    ("old", "new", "result_files"),
    [
        ("content/2026/12/news.md", "content/2027/01/musor.md", "content/2027/01/musor"),
        ("content/2026/12/elka", "content/2027/01/elka-na-ploshchadi", ""),
    ],
    ids=["file", "folder"],
)
def test_a_moved_post_keeps_its_publication(
    make_repo: Callable[..., Path],
    publisher: Callable[[Path], Publisher],
    post_id: str,
    old: str,
    new: str,
    result_files: str,
) -> None:
    run = _published(make_repo, publisher, post_id)
    before = _feeds(run)
    (run.repo / new).parent.mkdir(parents=True, exist_ok=True)
    run.git("mv", old, new)
    run.git("commit", "-qm", "Move the post")

    assert not _kinds(run) & {"create", "delete", "replace"}
    shown = run("plan").output
    if result_files:
        assert "перенесён" in shown
    result = run("apply")

    assert result.exit_code == 0, result.output
    assert _feeds(run) == before
    moved = f"{result_files}.published.yml" if result_files else f"{new}/published.yml"
    assert (run.repo / moved).exists()
    assert not (run.repo / f"{old.removesuffix('.md')}.published.yml").exists()
    assert run.git("status", "--porcelain", "--", "content") == ""
    assert _kinds(run) <= {"noop"}


def test_a_post_deleted_for_real_is_still_deleted(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = _published(make_repo, publisher, "")
    run.git("rm", "-q", "content/2026/12/news.md")
    run.git("commit", "-qm", "Remove the post")

    assert run("apply").exit_code == 0
    assert [len(v) for v in _feeds(run).values()] == [1, 1]


def test_two_posts_claiming_one_publication_is_an_error_not_a_guess(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = _published(make_repo, publisher, "")
    before = _feeds(run)
    (run.repo / "content/2027/01").mkdir(parents=True)
    run.git("mv", "content/2026/12/news.md", "content/2027/01/musor.md")
    write_files(run.repo, {"content/2027/02/copy.md": NEWS.format(id="id: 2026/12/news\n")})
    run.git("add", "--all")
    run.git("commit", "-qm", "Move the post, and a second post with its old id")

    checked = run("check")
    assert checked.exit_code == 1
    assert "content/2027/01/musor.md" in checked.output
    assert "content/2027/02/copy.md" in checked.output
    assert run("apply").exit_code == 1
    assert _feeds(run) == before


def test_new_writes_a_stable_unique_id(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = publisher(make_repo())
    first = run("new", "Каток у школы", "--date", "2026-12-05")
    second = run("new", "Каток у школы", "--date", "2027-01-10")
    assert first.exit_code == second.exit_code == 0

    created = sorted((run.repo / "content").rglob("index.md"))
    ids = [re.search(r"^id: (.+)$", p.read_text(encoding="utf-8"), re.MULTILINE) for p in created]
    values = [m.group(1) for m in ids if m]
    assert values == ["katok-u-shkoly", "katok-u-shkoly-2"]
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]{0,99}", v) for v in values)
    found = json.loads(run("check", "--format", "json").output)
    assert {p["code"] for p in found} == {"template-text"}, "no duplicate id, only the text"


def test_a_post_moved_and_edited_is_edited_in_place(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = _published(make_repo, publisher, "vyvoz-musora")
    before = _feeds(run)
    (run.repo / "content/2027/01").mkdir(parents=True)
    run.git("mv", "content/2026/12/news.md", "content/2027/01/musor.md")
    moved = run.repo / "content/2027/01/musor.md"
    moved.write_text(moved.read_text(encoding="utf-8").replace("графику", "новому графику"))
    run.git("commit", "-qam", "Move the post and fix its text")

    assert _kinds(run) == {"move", "update", "noop"}
    assert run("apply").exit_code == 0
    assert _feeds(run) == before
    assert any("новому графику" in str(p["text"]) for p in run.feed("vk"))


def test_a_moved_post_whose_left_behind_result_file_is_damaged_is_held_back(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = _published(make_repo, publisher, "")
    before = _feeds(run)
    write_files(run.repo, {"content/2026/12/news.published.yml": "networks: [vk\n"})
    (run.repo / "content/2027/01").mkdir(parents=True)
    run.git("mv", "content/2026/12/news.md", "content/2027/01/musor.md")
    run.git("commit", "-qam", "Move the post; its result file got broken on the way")

    result = run("apply")

    assert result.exit_code == 1
    assert "content/2026/12/news.published.yml:" in result.output
    assert _feeds(run) == before


def _with_id(title: str, text: str, post_id: str) -> str:
    return f"---\ntitle: {title}\nid: {post_id}\nnetworks: [vk, telegram]\n---\n\n{text}\n"


def test_a_new_post_in_a_moved_posts_place_does_not_inherit_its_publication(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = make_repo({"content/2026/12/news.md": _with_id("А", "Текст А.", "aaa")})
    run = publisher(repo)
    assert run("apply").exit_code == 0
    (repo / "content/2027/01").mkdir(parents=True)
    run.git("mv", "content/2026/12/news.md", "content/2027/01/a.md")
    write_files(repo, {"content/2026/12/news.md": _with_id("С", "Текст С, другой.", "ccc")})
    run.git("add", "-A")
    run.git("commit", "-qm", "A moved away, C written at its old place")

    checked = run("check")
    first = run("apply")

    assert checked.exit_code == 1
    assert "content/2026/12/news.md:3:" in checked.output and "aaa" in checked.output
    assert first.exit_code == 1, first.output
    assert run.texts("vk") == run.texts("telegram") == ["Текст А."], "A kept, not rewritten"
    assert "aaa" in (repo / "content/2027/01/a.published.yml").read_text(encoding="utf-8")

    second = run("apply")  # A's results have moved away: C is a new post now

    assert second.exit_code == 0, second.output
    for network in ("vk", "telegram"):
        assert sorted(run.texts(network)) == ["Текст А.", "Текст С, другой."]
