"""Review files: what the sweep writes, what a person may change, and what the machine may."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from publisher.core.model import Comment
from publisher.moderation.log import LogEntry
from publisher.moderation.review import (
    check_against_log,
    machine_change,
    parse_review,
    pending_lines,
    render_review,
    review_path,
    reviewed,
    with_outcome,
)

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
COMMENT = Comment("vk", "42", "Мэр, вы взяточник\x1b[31m", "501", "Иван Петров", post_id="7")
REL = review_path("district-vk", "42")
FILED = render_review(COMMENT, "district-vk", "insult:weak:взяточник", "delete", NOW)
LOG = reviewed([LogEntry("vk", "42", "review", NOW, post="7", account="district-vk")])


def test_a_filed_comment_reads_back_pending_with_no_personal_data() -> None:
    review = parse_review(REL, FILED)
    assert review.pending and not review.problems
    assert (review.account, review.network, review.post, review.comment) == (
        "district-vk",
        "vk",
        "7",
        "42",
    )
    assert review.text == "Мэр, вы взяточник", "no escape sequences"
    assert "Петров" not in FILED and "501" not in FILED
    (line,) = pending_lines([review])
    assert REL in line and "взяточник" in line and "delete" in line


@pytest.mark.parametrize("value", ["remove", "keep", "ban"])
def test_a_known_decision_is_due(value: str) -> None:
    review = parse_review(REL, FILED.replace("decision:\n", f"decision: {value}\n"))
    assert review.due and review.decision == value and not pending_lines([review])


@pytest.mark.parametrize("value", ["удалить", "yes", "[remove]", "true"])
def test_an_unknown_decision_names_its_line(value: str) -> None:
    review = parse_review(REL, FILED.replace("decision:\n", f"decision: {value}\n"))
    (problem,) = review.problems
    assert problem.line == FILED.splitlines().index("decision:") + 1
    assert "decision: remove" in problem.hint and not review.due


def test_a_file_named_for_another_comment_is_refused() -> None:
    review = parse_review(review_path("bratskoe-vk", "42"), FILED)
    assert review.problems and not review.due


def test_only_a_comment_the_log_sent_for_review_may_be_decided() -> None:
    decided = parse_review(REL, FILED.replace("decision:\n", "decision: remove\n"))
    assert not check_against_log(decided, LOG).problems
    assert check_against_log(decided, {}).problems
    moved = decided.__class__(**{**decided.__dict__, "post": "8"})
    assert check_against_log(moved, LOG).problems, "the post must match the log's"


def test_broken_front_matter_is_a_located_problem() -> None:
    review = parse_review(REL, "---\naccount: [\n---\n")
    assert review.problems and review.problems[0].path == REL and not review.due


def test_the_machine_files_and_records_outcomes_but_never_decides() -> None:
    decided = FILED.replace("decision:\n", "decision: remove\n")
    done = with_outcome(decided, "deleted", "Анна <anna@example.org>", NOW)
    assert parse_review(REL, done).outcome == "deleted" and not parse_review(REL, done).due
    assert machine_change("A", None, FILED)
    assert not machine_change("A", None, decided), "a new file with a decision is a person's"
    assert machine_change("M", decided, done)
    assert not machine_change("M", FILED, decided), "writing the decision is a person's"
    assert not machine_change("M", FILED, with_outcome(FILED, "deleted", "x", NOW))
    assert not machine_change("M", decided, done.replace("Мэр", "Глава")), "and nothing else"
    assert not machine_change("M", done, done), "an outcome is written once"
    assert not machine_change("D", FILED, None)
