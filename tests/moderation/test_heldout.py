"""The held-out parts of the moderation labelled set are frozen: nobody edits them to fit the
detector. The first third was drawn by ``bench/moderation_split.py`` (fixed seed) before tuning
for issue #21; the second, third and fourth were each written by two more writers and frozen
before they were first measured. A change to any of them must show up as this test failing, not
pass silently."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "heldout.tsv"
TUNING = HERE / "comments.tsv"
FROZEN = "0ee82cf6d8fe51995f372014b6752486683b58a954deb9a8884812eec8f72e2a"
#: the second held-out part, written by two more writers in the first writers' conventions and
#: frozen on 2026-12-07 before the detector was run on it
HELDOUT2 = HERE / "heldout2.tsv"
FROZEN2 = "9f65fa25ff9d4d3d34769b073bfeed87021161678cef1ae1431a4412adad97a9"
#: the third, by two more writers, frozen late in the fourth round of issue #21
HELDOUT3 = HERE / "heldout3.tsv"
FROZEN3 = "d12dd825a8596d2415a29da53ec1b51b207284e3047043b6f34463335b9346f0"
#: the fourth, by two more writers, frozen at the start of the fifth round, measured at its end
HELDOUT4 = HERE / "heldout4.tsv"
FROZEN4 = "e918abb8ef9e745dfe3732655a8fa7ef3ebf5defd24a9355c7e68c8eb9dd047c"
PARTS = [HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4]
IDS = ["heldout", "heldout2", "heldout3", "heldout4"]
#: every other labelled part: none may share a text with a held-out one
OTHERS = sorted(path.name for path in HERE.glob("*.tsv") if path not in PARTS)


def _rows(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[1:]


def test_heldout_is_unchanged() -> None:
    assert hashlib.sha256(HELDOUT.read_bytes()).hexdigest() == FROZEN
    assert hashlib.sha256(HELDOUT2.read_bytes()).hexdigest() == FROZEN2
    assert hashlib.sha256(HELDOUT3.read_bytes()).hexdigest() == FROZEN3
    assert hashlib.sha256(HELDOUT4.read_bytes()).hexdigest() == FROZEN4


def test_heldout_is_a_third_and_apart_from_tuning() -> None:
    held, tuning = _rows(HELDOUT), _rows(TUNING)
    assert len(held) + len(tuning) >= 1200
    assert abs(len(held) / (len(held) + len(tuning)) - 1 / 3) < 0.01
    texts = [row.split("\t")[2] for row in held]
    assert not set(texts) & {row.split("\t")[2] for row in tuning}


@pytest.mark.parametrize("part", PARTS, ids=IDS)
def test_heldout_has_every_label_in_proportion(part: Path) -> None:
    labels = [row.split("\t")[0] for row in _rows(part)]
    assert set(labels) == {"keep", "remove", "review"}
    assert labels.count("keep") > len(labels) / 2, "most comments are ordinary"


@pytest.mark.parametrize("part", PARTS, ids=IDS)
def test_heldout_shares_no_text_with_any_other_part(part: Path) -> None:
    held = {_text(row) for row in _rows(part)}
    assert len(OTHERS) >= 17, "the tuning and check parts are found"
    for name in (*OTHERS, *(held.name for held in PARTS)):
        if HERE / name != part:
            assert not held & {_text(row) for row in _rows(HERE / name)}, name


def _text(row: str) -> str:
    """The text as a reader sees it: the same words in other capitals are the same comment."""
    return row.split("\t")[2].strip().casefold()
