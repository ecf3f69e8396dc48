"""The style linter on its evaluation set: flags press-release sentences, leaves plain ones alone.

``sentences.tsv`` holds realistic municipal news sentences, each twice in spirit: as a press
release would put it («press») and as a good SMM editor would («plain»).
``bench/style_eval.py`` prints the same shares and records them in ``bench/results.json``.
"""

from __future__ import annotations

from pathlib import Path

from publisher.content.style import lint

SENTENCES = Path(__file__).parent / "sentences.tsv"


def load() -> list[tuple[str, str]]:
    rows = []
    for line in SENTENCES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, sentence = line.split("\t", 1)
            rows.append((label, sentence))
    return rows


def test_the_set_is_large_and_balanced() -> None:
    rows = load()
    labels = [label for label, _ in rows]
    assert set(labels) == {"press", "plain"}
    assert labels.count("press") >= 50 and labels.count("plain") >= 50
    assert len({sentence for _, sentence in rows}) == len(rows)


def test_flags_press_releases_and_leaves_plain_text_alone() -> None:
    flagged: dict[str, list[bool]] = {"press": [], "plain": []}
    for label, sentence in load():
        flagged[label].append(bool(lint(sentence).findings))
    press = sum(flagged["press"]) / len(flagged["press"])
    plain = sum(flagged["plain"]) / len(flagged["plain"])
    assert press >= 0.9, f"only {press:.0%} of press-release sentences flagged"
    assert plain <= 0.1, f"{plain:.0%} of plain sentences flagged"


def test_plain_sentences_score_higher() -> None:
    scores: dict[str, list[float]] = {"press": [], "plain": []}
    for label, sentence in load():
        scores[label].append(lint(sentence).score)
    assert sum(scores["plain"]) / len(scores["plain"]) >= 9.5
    assert sum(scores["press"]) / len(scores["press"]) <= 5.0
