"""The held-out third of the moderation labelled set is frozen: nobody edits it to fit the
detector. It was drawn by ``bench/moderation_split.py`` (fixed seed) before tuning for issue
#21; a change to it must show up as this test failing, not pass silently."""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "heldout.tsv"
TUNING = HERE / "comments.tsv"
#: every other labelled part: none may share a text with the held-out one
OTHERS = (
    "comments.tsv",
    "validation.tsv",
    "tuning2.tsv",
    "validation2.tsv",
    "tuning3.tsv",
    "validation3.tsv",
    "tuning4.tsv",
    "validation4.tsv",
    "tuning5.tsv",
    "tuning6.tsv",
    "validation6.tsv",
)
FROZEN = "0ee82cf6d8fe51995f372014b6752486683b58a954deb9a8884812eec8f72e2a"


def _rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[1:]


def test_heldout_is_unchanged() -> None:
    assert hashlib.sha256(HELDOUT.read_bytes()).hexdigest() == FROZEN


def test_heldout_is_a_third_and_apart_from_tuning() -> None:
    held, tuning = _rows(HELDOUT), _rows(TUNING)
    assert len(held) + len(tuning) >= 1200
    assert abs(len(held) / (len(held) + len(tuning)) - 1 / 3) < 0.01
    texts = [row.split("\t")[2] for row in held]
    assert not set(texts) & {row.split("\t")[2] for row in tuning}


def test_heldout_has_every_label_in_proportion() -> None:
    labels = [row.split("\t")[0] for row in _rows(HELDOUT)]
    assert set(labels) == {"keep", "remove", "review"}
    assert labels.count("keep") > len(labels) / 2, "most comments are ordinary"


def test_heldout_shares_no_text_with_any_other_part() -> None:
    held = {row.split("\t")[2] for row in _rows(HELDOUT)}
    for name in OTHERS:
        assert not held & {row.split("\t")[2] for row in _rows(HERE / name)}, name
