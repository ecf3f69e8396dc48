"""The contest and live commands' own parts: naming a post, CI detection, the verify text."""

from __future__ import annotations

import pytest

from publisher.commands.contest import find_post, verification_text
from publisher.commands.live import refuse_in_ci
from publisher.content.load import Content
from publisher.core.errors import PublisherError
from publisher.core.model import Post
from publisher.engine.contest_verify import Verification
from publisher.state.contest_files import ContestRecord, Drawn


def test_a_post_is_found_by_its_id_or_its_file() -> None:
    bundle = Post("2026/12/efir", "content/2026/12/efir/index.md", "Эфир", "", ("vk",))
    single = Post("konkurs", "content/2026/12/konkurs.md", "Конкурс", "", ("vk",))
    content = Content((bundle, single), ())
    for name in ("2026/12/efir", "content/2026/12/efir", "content/2026/12/efir/index.md"):
        assert find_post(content, name) is bundle
    assert find_post(content, "content/2026/12/konkurs.md") is single
    assert find_post(content, "2026/12") is None


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({}, False),
        ({"CI": "false"}, False),
        ({"CI": "0"}, False),
        ({"CI": "true"}, True),
        ({"GITHUB_ACTIONS": "true"}, True),
        ({"GITLAB_CI": "yes"}, True),
    ],
)
def test_the_key_is_refused_wherever_ci_is_marked(env: dict[str, str], refused: bool) -> None:
    if refused:
        with pytest.raises(PublisherError):
            refuse_in_ci(env)
    else:
        refuse_in_ci(env)


def test_the_verify_text_names_every_mismatch() -> None:
    record = ContestRecord(
        "k",
        "comment",
        "2026-12-05T18:00:00+03:00",
        1,
        "a" * 40,
        ("u-1", "u-2"),
        draw=Drawn("2026-12-06T00:00:00+00:00", "a" * 40, "d" * 64, ("u-1",)),
    )
    text = verification_text("k", Verification(record, ("u-2",), ("первое", "второе")))
    assert "Участник u-2" in text
    assert text.count("Не совпадает:") == 2 and "сходится" not in text
    assert verification_text("k", Verification(None, problems=("нет",))) == "Не совпадает: нет"
