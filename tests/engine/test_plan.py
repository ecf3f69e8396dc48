"""Planning is pure: (posts, recorded results, capabilities, now) -> actions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import plan_of

from publisher.content.load import Content
from publisher.content.render import media_hash, render_post
from publisher.core.capabilities import Capabilities, MediaRules
from publisher.core.config import Config
from publisher.core.model import (
    Account,
    ActionKind,
    Media,
    Override,
    Poll,
    Post,
    ResultEntry,
)
from publisher.engine.plan import PlanContext, build_plan, renderings_wanted

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
EDITABLE = Capabilities(
    text_format="plain", text_limit=1000, can_edit=True, media={"photo": MediaRules(10_000_000)}
)
FIXED = Capabilities(
    text_format="plain",
    text_limit=1000,
    can_edit=False,
    delete_window_hours=48,
    media={"photo": MediaRules(10_000_000)},
)
CAPS = {"vk": EDITABLE, "telegram": FIXED}
ACCOUNTS = tuple(
    Account(name=n, path=f"accounts/{n}.md", network=n, account_id="1", token_env="T") for n in CAPS
)


def make_post(**fields: object) -> Post:
    base: dict[str, object] = {
        "id": "p",
        "path": "content/p.md",
        "title": "T",
        "body": "Текст",
        "networks": ("vk", "telegram"),
    }
    base.update(fields)
    return Post(**base)  # type: ignore[arg-type]


def plan_for(
    post: Post,
    result_entries: dict[str, ResultEntry] | None = None,
    config: Config | None = None,
    preview: bool = False,
    **content: object,
):  # type: ignore[no-untyped-def]
    tree = Content(posts=(post,), accounts=ACCOUNTS, **content)  # type: ignore[arg-type]
    ctx = PlanContext(config or Config(), CAPS, NOW)
    return plan_of(tree, {post.result_file_path: result_entries or {}}, ctx, preview)


def published(post: Post, network: str, **fields: object) -> ResultEntry:
    rendered = render_post(post, network, CAPS[network])
    base: dict[str, object] = {
        "network": network,
        "state": "published",
        "remote_id": "42",
        "content_hash": rendered.content_hash,
        "media_hash": media_hash(rendered.media, rendered.poll),
        "published_at": NOW.isoformat(),
    }
    base.update(fields)
    return ResultEntry(**base)  # type: ignore[arg-type]


def kinds(plan) -> dict[str, ActionKind]:  # type: ignore[no-untyped-def]
    return {a.network: a.kind for a in plan.actions}


def test_new_post_is_created_on_each_network() -> None:
    plan = plan_for(make_post())
    assert kinds(plan) == {"vk": ActionKind.CREATE, "telegram": ActionKind.CREATE}
    assert plan.actions[0].rendered.text == "Текст"


def test_unchanged_post_is_noop() -> None:
    post = make_post()
    result_entries = {n: published(post, n) for n in CAPS}
    assert set(kinds(plan_for(post, result_entries)).values()) == {ActionKind.NOOP}


def test_edited_text_updates_where_editable_and_blocks_elsewhere() -> None:
    old = make_post()
    result_entries = {n: published(old, n) for n in CAPS}
    plan = plan_for(replace(old, body="Новый текст"), result_entries)
    assert kinds(plan) == {"vk": ActionKind.UPDATE, "telegram": ActionKind.BLOCKED}
    assert "on_edit_unsupported" in plan.actions[1].reason


def test_edit_fallback_replace_from_config() -> None:
    old = make_post()
    result_entries = {n: published(old, n) for n in CAPS}
    plan = plan_for(
        replace(old, body="Новый"), result_entries, Config(on_edit_unsupported="replace")
    )
    assert kinds(plan)["telegram"] is ActionKind.REPLACE


@pytest.mark.parametrize(
    ("config", "account", "post", "expected"),
    [
        ("blocked", None, "replace", ActionKind.REPLACE),  # the post's own setting
        ("blocked", "replace", None, ActionKind.REPLACE),  # its account's
        ("replace", "replace", "blocked", ActionKind.BLOCKED),  # the post's wins over both
        ("replace", "blocked", None, ActionKind.BLOCKED),  # the account's wins over the file's
        ("replace", None, None, ActionKind.REPLACE),  # publisher.yml's when neither says
    ],
)
def test_on_edit_unsupported_is_the_posts_then_the_accounts_then_publisher_yml(
    config: str, account: str | None, post: str | None, expected: ActionKind
) -> None:
    old = make_post()
    result_entries = {n: published(old, n) for n in CAPS}
    accounts = tuple(replace(a, on_edit_unsupported=account) for a in ACCOUNTS)
    edited = replace(old, body="Новый", on_edit_unsupported=post)
    tree = Content(posts=(edited,), accounts=accounts)
    ctx = PlanContext(Config(on_edit_unsupported=config), CAPS, NOW)  # type: ignore[arg-type]

    plan = plan_of(tree, {old.result_file_path: result_entries}, ctx)

    assert kinds(plan) == {"vk": ActionKind.UPDATE, "telegram": expected}, "VK edits in place"
    if expected is ActionKind.BLOCKED:
        assert "в посте, в файле аккаунта или в publisher.yml" in plan.actions[1].reason


def test_changed_media_replaces_instead_of_editing() -> None:
    old = make_post()
    result_entries = {n: published(old, n) for n in CAPS}
    photo = Media(path=__file__, rel="content/a.jpg", kind="photo", sha256="ab")  # type: ignore[arg-type]
    plan = plan_for(replace(old, media=(photo,)), result_entries)
    assert kinds(plan)["vk"] is ActionKind.REPLACE


def test_withdrawn_post_is_deleted_but_not_after_the_delete_window() -> None:
    post = make_post()
    old_time = (NOW - timedelta(hours=49)).isoformat()
    result_entries = {
        "vk": published(post, "vk"),
        "telegram": published(post, "telegram", published_at=old_time),
    }
    plan = plan_for(replace(post, status="withdrawn"), result_entries)
    assert kinds(plan) == {"vk": ActionKind.DELETE, "telegram": ActionKind.BLOCKED}
    assert "48" in plan.actions[1].reason


def test_network_removed_from_the_list_is_deleted_there() -> None:
    post = make_post()
    result_entries = {n: published(post, n) for n in CAPS}
    plan = plan_for(replace(post, networks=("vk",)), result_entries)
    assert kinds(plan) == {"vk": ActionKind.NOOP, "telegram": ActionKind.DELETE}


def test_future_post_waits_and_past_one_is_created() -> None:
    later = make_post(publish_at=NOW + timedelta(minutes=1))
    assert set(kinds(plan_for(later)).values()) == {ActionKind.WAIT}
    earlier = make_post(publish_at=NOW - timedelta(minutes=1))
    assert set(kinds(plan_for(earlier)).values()) == {ActionKind.CREATE}


def test_draft_is_left_alone() -> None:
    plan = plan_for(make_post(status="draft"))
    assert set(kinds(plan).values()) == {ActionKind.NOOP}


def test_intent_without_result_is_created_with_reconciliation() -> None:
    post = make_post()
    result_entries = {"vk": ResultEntry(network="vk", state="intent", key="k")}
    action = plan_for(post, result_entries).actions[0]
    assert action.kind is ActionKind.CREATE and action.ref is not None


def test_failed_earlier_is_created_again() -> None:
    result_entries = {"vk": ResultEntry(network="vk", state="failed", error="Transient")}
    assert kinds(plan_for(make_post(), result_entries))["vk"] is ActionKind.CREATE


def test_broken_file_is_blocked() -> None:
    post = make_post()
    plan = plan_for(post, broken_posts=frozenset({post.path}))
    assert set(kinds(plan).values()) == {ActionKind.BLOCKED}


def test_a_target_held_back_is_blocked_with_its_reason_and_the_others_go_out() -> None:
    post = make_post()
    reason = "Текст длиннее 4096 знаков для Telegram: 5249 (content/p.md:6)"
    plan = plan_for(post, holds={post.path: {"telegram": reason}})

    assert kinds(plan) == {"vk": ActionKind.CREATE, "telegram": ActionKind.BLOCKED}
    blocked = plan.actions[1]
    assert blocked.reason == reason and blocked.rendered is not None, "its length is shown"


def test_a_held_target_does_not_stop_a_draft_or_a_withdrawal() -> None:
    post = make_post()
    holds = {post.path: {"telegram": "слишком длинно"}}
    assert set(kinds(plan_for(replace(post, status="draft"), holds=holds)).values()) == {
        ActionKind.NOOP
    }
    live = {n: published(post, n) for n in CAPS}
    withdrawn = plan_for(replace(post, status="withdrawn"), live, holds=holds)
    assert set(kinds(withdrawn).values()) == {ActionKind.DELETE}


def test_a_broken_file_says_why_where_check_said() -> None:
    post = make_post()
    holds = {post.path: {"": "В посте нет заголовка (content/p.md:2)"}}
    plan = plan_for(post, broken_posts=frozenset({post.path}), holds=holds)
    assert {a.reason for a in plan.actions} == {"В посте нет заголовка (content/p.md:2)"}


def test_removed_file_deletes_its_posts() -> None:
    post = make_post()
    result_files = "content/gone.published.yml"
    tree = Content(posts=(), accounts=ACCOUNTS, orphan_result_files=(result_files,))
    result_entries = {result_files: {"vk": published(post, "vk")}}
    plan = plan_of(tree, result_entries, PlanContext(Config(), CAPS, NOW))
    assert [(a.kind, a.network) for a in plan.actions] == [(ActionKind.DELETE, "vk")]
    plan = plan_of(
        tree, result_entries, PlanContext(Config(delete_when_file_removed=False), CAPS, NOW)
    )
    assert plan.actions[0].kind is ActionKind.NOOP


def test_missing_account_blocks() -> None:
    tree = Content(posts=(make_post(),), accounts=ACCOUNTS[:1])
    plan = plan_of(tree, {}, PlanContext(Config(), CAPS, NOW))
    assert kinds(plan)["telegram"] is ActionKind.BLOCKED


@pytest.mark.parametrize("with_poll", [True, False])
def test_poll_is_dropped_for_networks_without_polls(with_poll: bool) -> None:
    post = make_post(poll=Poll("Q", ("a", "b")) if with_poll else None)
    action = plan_for(post).actions[0]
    assert action.rendered is not None and action.rendered.poll is None


def test_intent_of_a_live_run_waits_and_of_a_dead_one_is_reconciled() -> None:
    import subprocess
    import sys

    from publisher.engine.claims import new_claim

    post = make_post()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        host = new_claim().split(":")[0]
        live = ResultEntry(
            network="vk",
            state="intent",
            key="k",
            at=NOW.isoformat(),
            extra={"claim": f"{host}:{sleeper.pid}:abcd"},
        )
        assert plan_for(post, {"vk": live}).actions[0].kind is ActionKind.WAIT
    finally:
        sleeper.kill()
        sleeper.wait()
    dead = replace(live, extra={"claim": f"{host}:{sleeper.pid}:abcd"})
    assert plan_for(post, {"vk": dead}).actions[0].kind is ActionKind.CREATE
    remote = replace(live, extra={"claim": "other-host:1:abcd"})
    assert plan_for(post, {"vk": remote}).actions[0].kind is ActionKind.WAIT
    old = replace(remote, at=(NOW - timedelta(hours=2)).isoformat())
    assert plan_for(post, {"vk": old}).actions[0].kind is ActionKind.CREATE


# -- the source hash: a preview need not render what went out unchanged ----------------------


def recorded_with_source(post: Post, **fields: object) -> dict[str, ResultEntry]:
    """Each network's result as apply records it now, with the source hash."""
    return {
        n: published(post, n, source_hash=render_post(post, n, CAPS[n]).source_hash, **fields)
        for n in CAPS
    }


def wanted(post: Post, result_entries: dict[str, ResultEntry], preview: bool) -> dict[str, tuple]:
    tree = Content(posts=(post,), accounts=ACCOUNTS)
    ctx = PlanContext(Config(), CAPS, NOW)
    return renderings_wanted(tree, {post.result_file_path: result_entries}, ctx, preview).render


def test_a_preview_does_not_render_a_post_published_from_the_same_source() -> None:
    post = make_post()
    result_entries = recorded_with_source(post)

    plan = plan_for(post, result_entries, preview=True)

    assert wanted(post, result_entries, preview=True) == {}
    assert [(a.kind, a.rendered, a.ref.remote_id) for a in plan.actions] == [
        (ActionKind.NOOP, None, "42"),
        (ActionKind.NOOP, None, "42"),
    ]


def test_a_plan_to_carry_out_renders_every_post_whatever_the_result_file_says() -> None:
    post = make_post()
    result_entries = recorded_with_source(post)

    plan = plan_for(post, result_entries)

    assert wanted(post, result_entries, preview=False) == {post.path: ("vk", "telegram")}
    assert set(kinds(plan).values()) == {ActionKind.NOOP}
    assert all(a.rendered is not None for a in plan.actions)


def test_a_result_file_without_a_source_hash_is_compared_by_rendering() -> None:
    post = make_post()
    result_entries = {n: published(post, n) for n in CAPS}  # written before the source hash

    plan = plan_for(post, result_entries, preview=True)

    assert wanted(post, result_entries, preview=True) == {post.path: ("vk", "telegram")}
    assert set(kinds(plan).values()) == {ActionKind.NOOP}
    assert all(a.rendered is not None for a in plan.actions)


@pytest.mark.parametrize(
    "change",
    [
        {"body": "Новый текст"},
        {"overrides": {"vk": Override(text="Только для ВК")}},
        {"overrides": {"vk": Override(options={"silent": True})}},
        {"media": (Media(path=Path(__file__), rel="content/a.jpg", kind="photo", sha256="ab"),)},
    ],
)
def test_a_preview_renders_a_changed_post_and_plans_the_change(change: dict) -> None:
    old = make_post()
    result_entries = recorded_with_source(old)
    post = replace(old, **change)

    preview = plan_for(post, result_entries, preview=True)

    assert kinds(preview)["vk"] in (ActionKind.UPDATE, ActionKind.REPLACE)
    assert kinds(preview) == kinds(plan_for(post, result_entries))
    assert preview.actions[0].rendered == render_post(post, "vk", CAPS["vk"])


def test_a_forged_source_hash_does_not_hide_a_change_from_a_plan_to_carry_out() -> None:
    """A pull request edits the text and writes the new text's source hash into the result
    file: only a preview takes its word; the plan that is carried out compares renderings."""
    old = make_post()
    post = replace(old, body="Новый текст")
    forged = recorded_with_source(old)
    forged = {
        n: replace(e, source_hash=render_post(post, n, CAPS[n]).source_hash)
        for n, e in forged.items()
    }

    assert kinds(plan_for(post, forged)) == {
        "vk": ActionKind.UPDATE,
        "telegram": ActionKind.BLOCKED,
    }


def test_the_plan_renders_nothing_itself() -> None:
    post = make_post()
    tree = Content(posts=(post,), accounts=ACCOUNTS)

    with pytest.raises(KeyError):
        build_plan(tree, {}, {}, PlanContext(Config(), CAPS, NOW))


def test_a_post_held_back_is_blocked_though_a_preview_took_it_as_unchanged() -> None:
    post = make_post()
    tree = Content(posts=(post,), accounts=ACCOUNTS, broken_posts=frozenset({post.path}))
    result_entries = {post.result_file_path: recorded_with_source(post)}
    unchanged = {(post.path, "vk"), (post.path, "telegram")}

    plan = build_plan(tree, {}, result_entries, PlanContext(Config(), CAPS, NOW), unchanged)

    assert set(kinds(plan).values()) == {ActionKind.BLOCKED}
