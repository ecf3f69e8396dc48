"""The draw: the same winners for the same seed and entrants, anywhere; a change changes it."""

from __future__ import annotations

import hashlib

from publisher.core.draw import draw, draw_digest

SEED = "3f1c" * 10
PEOPLE = [f"u-{n:012x}" for n in range(50)]


def test_the_same_seed_and_entrants_give_the_same_winners_in_any_order() -> None:
    first = draw(SEED, PEOPLE, 3)
    again = draw(SEED, list(reversed(PEOPLE)) + PEOPLE[:5], 3)  # order and repeats do not count
    assert first == again and len(first.winners) == 3 and len(set(first.winners)) == 3


def test_the_digest_is_sha256_of_the_seed_and_the_sorted_list() -> None:
    text = "\n".join([SEED, *sorted(PEOPLE)])
    assert draw_digest(SEED, PEOPLE) == hashlib.sha256(text.encode()).hexdigest()


def test_another_seed_or_one_more_entrant_gives_another_draw() -> None:
    base = draw(SEED, PEOPLE, 5)
    assert draw("0" * 40, PEOPLE, 5).winners != base.winners
    assert draw(SEED, [*PEOPLE, "u-ffffffffffff"], 5).digest != base.digest


def test_more_winners_than_entrants_makes_everyone_win() -> None:
    assert sorted(draw(SEED, PEOPLE[:2], 5).winners) == PEOPLE[:2]
    assert draw(SEED, [], 3).winners == ()


def test_winners_are_spread_over_the_list() -> None:
    firsts = {draw(f"seed-{n}", PEOPLE, 1).winners[0] for n in range(200)}
    assert len(firsts) > 30  # not always the same few entrants
