"""Loading posts and accounts: every field, every problem at its line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import jpeg_bytes, write_files

from publisher.content.load import load_content, post_id_for
from publisher.core.config import Config
from publisher.core.errors import Severity
from publisher.networks import NETWORKS

CONFIG = Config()


def load(tmp_path: Path, files: dict[str, str | bytes]):  # type: ignore[no-untyped-def]
    write_files(tmp_path, files)
    return load_content(tmp_path, CONFIG, NETWORKS)


def codes(content) -> list[tuple[str, int, str]]:  # type: ignore[no-untyped-def]
    return [(d.path, d.line, d.code) for d in content.diagnostics]


def test_loads_a_bundle_with_media_poll_and_overrides(tmp_path: Path) -> None:
    post_md = """---
title: Ёлка
networks: [vk, telegram]
publish_at: 2026-12-01 10:00
media:
  - file: a.jpg
    alt: Ёлка днём
  - b.jpg
poll:
  question: Что добавить?
  options: [Горку, Ярмарку]
  multiple: true
overrides:
  telegram:
    text: Коротко для Telegram
    silent: true
tags: [праздник]
---

Текст поста.
"""
    content = load(
        tmp_path,
        {
            "content/2026/12/elka/index.md": post_md,
            "content/2026/12/elka/a.jpg": jpeg_bytes(),
            "content/2026/12/elka/b.jpg": jpeg_bytes(800, 600),
        },
    )
    assert [(d.line, d.severity, d.code) for d in content.diagnostics] == [
        (8, Severity.WARNING, "media-alt")  # b.jpg is described to no blind reader
    ]
    (post,) = content.posts
    assert post.id == "2026/12/elka"
    assert post.result_file_path == "content/2026/12/elka/published.yml"
    assert post.networks == ("vk", "telegram")
    assert post.publish_at == datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    assert [m.alt for m in post.media] == ["Ёлка днём", ""]
    assert post.media[1].width == 800 and post.media[1].image_format == "JPEG"
    assert post.poll is not None and post.poll.options == ("Горку", "Ярмарку")
    assert post.poll.multiple is True
    assert post.overrides["telegram"].text == "Коротко для Telegram"
    assert post.overrides["telegram"].options == {"silent": True}
    assert post.body == "Текст поста."
    assert post.tags == ("праздник",)


def test_loose_file_post_uses_a_sidecar_result_file_and_default_networks(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/news.md": "---\ntitle: Новость\n---\nТекст\n"})
    (post,) = content.posts
    assert post.id == "news"
    assert post.result_file_path == "content/news.published.yml"
    assert post.networks == CONFIG.default_networks
    assert post.status == "ready"


def test_broken_yaml_is_reported_at_its_line(tmp_path: Path) -> None:
    text = "---\ntitle: Новость\nnetworks: [vk, telegram\nstatus: ready\n---\nТекст\n"
    content = load(tmp_path, {"content/broken.md": text})
    assert content.posts == ()
    (diagnostic,) = content.diagnostics
    assert diagnostic.path == "content/broken.md"
    assert diagnostic.code == "yaml"
    assert diagnostic.line in (3, 4)
    assert "content/broken.md" in content.broken_posts


def test_unknown_field_suggests_the_close_name(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/a.md": "---\ntitle: A\nnetwork: [vk]\n---\nТекст\n"})
    (diagnostic,) = content.diagnostics
    assert (diagnostic.line, diagnostic.code) == (3, "unknown-field")
    assert "networks" in diagnostic.hint


def test_unknown_network_and_status_and_time(tmp_path: Path) -> None:
    text = "---\ntitle: A\nnetworks: [vk, vkontakte]\nstatus: publish\npublish_at: завтра\n---\nT\n"
    content = load(tmp_path, {"content/a.md": text})
    assert codes(content) == [
        ("content/a.md", 3, "unknown-network"),
        ("content/a.md", 4, "status"),
        ("content/a.md", 5, "publish-at"),
    ]


def test_missing_and_unreadable_media(tmp_path: Path) -> None:
    text = "---\ntitle: A\nmedia:\n  - нет.jpg\n  - bad.png\n---\nT\n"
    content = load(tmp_path, {"content/a/index.md": text, "content/a/bad.png": b"not a png"})
    assert codes(content) == [
        ("content/a/index.md", 4, "media-missing"),
        ("content/a/index.md", 5, "media-unreadable"),
    ]


def test_media_outside_the_repository_is_refused(tmp_path: Path) -> None:
    content = load(
        tmp_path / "r", {"content/a.md": "---\ntitle: A\nmedia: [../../x.jpg]\n---\nT\n"}
    )
    assert [d.code for d in content.diagnostics] == ["media-outside"]


def test_missing_front_matter_and_non_utf8(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/a.md": "Просто текст", "content/b.md": b"\xff\xfe\x00"})
    assert [d.code for d in content.diagnostics] == ["no-front-matter", "encoding"]


def test_duplicate_ids(tmp_path: Path) -> None:
    files = {
        "content/a.md": "---\ntitle: A\nid: same\n---\nT\n",
        "content/b.md": "---\ntitle: B\nid: same\n---\nT\n",
    }
    content = load(tmp_path, files)
    assert [(d.path, d.code) for d in content.diagnostics] == [("content/b.md", "duplicate-id")]


def test_account_needs_token_env_and_id(tmp_path: Path) -> None:
    content = load(tmp_path, {"accounts/vk.md": "---\nnetwork: vk\n---\nОписание\n"})
    assert sorted(d.code for d in content.diagnostics) == ["account-id", "token-env"]


def test_account_fields(tmp_path: Path) -> None:
    text = "---\nnetwork: ok\nid: 42\ntoken_env: OK_TOKEN\nsecrets:\n  app_secret: OK_SECRET\n"
    text += "settings:\n  application_key: PUB\n---\nГруппа района.\n"
    content = load(tmp_path, {"accounts/ok.md": text})
    (account,) = content.accounts
    assert account.account_id == "42"
    assert account.extra_token_envs == {"app_secret": "OK_SECRET"}
    assert account.settings == {"application_key": "PUB"}
    assert account.description == "Группа района."
    assert content.default_account("ok") is account


def test_an_accounts_moderation_rules_are_kept_as_written(tmp_path: Path) -> None:
    text = "---\nnetwork: vk\nid: 1\ntoken_env: VK_TOKEN\nmoderation:\n  allowlist: [vk:1]\n---\n"
    (account,) = load(tmp_path, {"accounts/vk.md": text}).accounts
    assert account.moderation == {"allowlist": ["vk:1"]}


def test_moderation_rules_that_are_not_settings_are_an_error_at_their_line(
    tmp_path: Path,
) -> None:
    text = "---\nnetwork: vk\nid: 1\ntoken_env: VK_TOKEN\nmoderation: off\n---\n"
    content = load(tmp_path, {"accounts/vk.md": text})
    assert codes(content) == [("accounts/vk.md", 5, "account-moderation")]
    assert "moderation.yml" in content.diagnostics[0].message
    assert content.accounts[0].moderation == {}


def test_removed_post_leaves_an_orphan_result_file(tmp_path: Path) -> None:
    content = load(tmp_path, {"content/gone.published.yml": "post: gone\nnetworks: {}\n"})
    assert content.orphan_result_files == ("content/gone.published.yml",)


def test_post_id_for_paths() -> None:
    assert post_id_for("content/2026/12/a/index.md", "content") == "2026/12/a"
    assert post_id_for("content/b.md", "content") == "b"


def test_answers_to_citizens_are_not_orphaned_posts(tmp_path: Path) -> None:
    result_files = "post: x\nnetworks: {}\n"
    content = load(tmp_path, {"content/inbox/2026/12/vk-1.published.yml": result_files})
    assert content.orphan_result_files == ()


def test_hold_and_on_edit_unsupported_are_read_from_a_post_and_an_account(tmp_path: Path) -> None:
    post = "---\ntitle: A\nhold: all\non_edit_unsupported: replace\n---\nT\n"
    account = "---\nnetwork: vk\nid: 1\ntoken_env: VK_TOKEN\non_edit_unsupported: Replace\n---\n"
    content = load(tmp_path, {"content/a.md": post, "accounts/vk.md": account})
    assert content.diagnostics == ()
    ((loaded,), (vk,)) = content.posts, content.accounts
    assert (loaded.hold_all, loaded.on_edit_unsupported) == (True, "replace")
    assert vk.on_edit_unsupported == "replace"
    bare = load(tmp_path / "bare", {"content/a.md": "---\ntitle: A\n---\nT\n"}).posts[0]
    assert (bare.hold_all, bare.on_edit_unsupported) == (False, None)


def test_wrong_hold_and_on_edit_unsupported_are_errors_at_their_line_in_russian(
    tmp_path: Path,
) -> None:
    post = "---\ntitle: A\nhold: всё\non_edit_unsupported: delete\n---\nT\n"
    account = "---\nnetwork: vk\nid: 1\ntoken_env: VK_TOKEN\non_edit_unsupported: [1]\n---\n"
    content = load(tmp_path, {"content/a.md": post, "accounts/vk.md": account})
    assert codes(content) == [
        ("accounts/vk.md", 5, "on-edit-unsupported"),
        ("content/a.md", 3, "hold"),
        ("content/a.md", 4, "on-edit-unsupported"),
    ]
    assert "«всё»" in content.diagnostics[1].message
    assert "«blocked» или «replace», а не «delete»" in content.diagnostics[2].message
    assert content.broken_posts == {"content/a.md"}
