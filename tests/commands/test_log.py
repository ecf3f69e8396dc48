"""``publisher log`` and the result commits speak the configured language at local time; the
``publisher:`` prefix and the trailers the approval gate and the log read stay as they were."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import git
from conftest import Publisher

from publisher.commands.log import log_text
from publisher.core import i18n
from publisher.core.clock import FakeClock
from publisher.engine.history import LoggedCommit
from publisher.state.repo import RESULT_SUBJECT_PREFIX, TRAILER_KEYS

POST = """---
title: Ёлка
---
Ёлка на площади в субботу.
"""
MOSCOW = ZoneInfo("Europe/Moscow")


def applied(make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]) -> Publisher:
    run = publisher(make_repo({"content/2026/12/elka.md": POST}))
    result = run("apply")
    assert result.exit_code == 0, result.output
    return run


def test_the_result_commit_is_russian_and_its_trailers_are_not(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = applied(make_repo, publisher)
    message = str(git.Repo(run.repo).head.commit.message)
    subject, _sep, rest = message.partition("\n")
    assert re.fullmatch(r"publisher: выполнено: \d+, ошибок: 0", subject)
    assert subject.startswith(RESULT_SUBJECT_PREFIX), "the gate finds result commits by it"
    assert re.search(r"^- создать ВКонтакте: 2026/12/elka \[готово\] https://vk.com/", rest, re.M)
    assert re.search(r"^- создать Telegram: 2026/12/elka \[готово\] https://t.me/", rest, re.M)
    trailers = rest.rstrip("\n").split("\n\n")[-1].splitlines()
    assert trailers and all(line.partition(": ")[0] in TRAILER_KEYS for line in trailers)
    head = git.Repo(run.repo).git.rev_parse("HEAD~1")
    assert f"Source: {head}" in trailers, "byte for byte what the parsers read"
    parsed = git.Repo(run.repo).head.commit.trailers_dict
    assert parsed["Source"] == [head]


def test_log_is_russian_at_moscow_time(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = applied(make_repo, publisher)
    log = run("log").output
    committed = git.Repo(run.repo).head.commit.committed_datetime.astimezone(MOSCOW)
    assert re.search(rf"{committed:%Y-%m-%d %H:%M}  publisher: выполнено: \d+, ошибок: 0", log)
    assert "    создать ВКонтакте: 2026/12/elka [готово]" in log
    assert "Исходный коммит: " in log and "Source:" not in log
    assert "[done]" not in log and "create vk" not in log


def test_log_shows_the_configured_zone_not_utc() -> None:
    moment = FakeClock().now()  # 09:00 UTC
    logged = LoggedCommit("a" * 40, moment, "publisher: выполнено: 1, ошибок: 0", (), True, ())
    from publisher.commands import log as log_module

    lines = log_module._commit_lines(logged, MOSCOW)
    assert lines[0] == f"{'a' * 10}  2026-12-01 12:00  publisher: выполнено: 1, ошибок: 0"
    east = log_module._commit_lines(logged, ZoneInfo("Asia/Vladivostok"))
    assert "2026-12-01 19:00" in east[0]


def test_log_in_english(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    run = publisher(make_repo({"content/2026/12/elka.md": POST}))
    try:
        assert run("--lang", "en", "apply").exit_code == 0
        log = run("--lang", "en", "log").output
    finally:
        i18n.set_language("ru")
    assert re.search(r"publisher: \d+ done, 0 failed", log)
    assert "    create ВКонтакте: 2026/12/elka [done]" in log
    assert "Source commit: " in log
    i18n.set_language("ru")
    russian = log_text(run.repo, 5, MOSCOW)
    assert "[done]" in russian, "a commit keeps the language it was written in"
    assert "Исходный коммит: " in russian, "the labels around it follow today's"
