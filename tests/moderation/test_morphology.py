"""The dictionary helpers the moderation reads words with (publisher.moderation.morphology)."""

from __future__ import annotations

from publisher.moderation.morphology import inflect


def test_a_participle_used_as_a_noun_has_its_whole_declension() -> None:
    """The dictionary takes "заведовать" for the lemma of "заведующий", so a list naming
    "заведующий" would otherwise match that one form only, not "заведующего рынком"."""
    forms = {form for form, _tag in inflect("заведующий")}
    assert {"заведующего", "заведующему", "заведующая", "заведующую", "заведующие"} <= forms
    assert not forms & {"заведовать", "заведовал", "заведующийся"}


def test_an_ordinary_word_keeps_its_lexeme_and_an_unknown_one_stands_for_itself() -> None:
    assert {"дежурного", "дежурная"} <= {form for form, _tag in inflect("дежурный")}
    assert inflect("абырвалг") == [("абырвалг", None)]
