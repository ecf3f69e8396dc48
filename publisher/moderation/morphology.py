"""Russian morphology for the moderation checks and the learned model: pymorphy3, loaded once."""

from __future__ import annotations

import functools
from typing import Any

from publisher.moderation.normalize import fold


@functools.cache
def morph() -> Any:
    """pymorphy3's analyser, loaded once per process."""
    import pymorphy3  # type: ignore[import-untyped]

    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=100_000)
def known(word: str) -> bool:
    """Whether ``word`` is in the dictionary."""
    return bool(word) and bool(morph().word_is_known(word))


@functools.lru_cache(maxsize=100_000)
def lemma(word: str) -> str:
    """The dictionary form of ``word``'s likeliest reading, folded."""
    parses = morph().parse(word)
    return fold(parses[0].normal_form) if parses else word


#: parts of speech that carry no meaning of their own: pronouns, prepositions, conjunctions,
#: particles, interjections
FUNCTION_POS = frozenset({"NPRO", "PREP", "CONJ", "PRCL", "INTJ"})


@functools.lru_cache(maxsize=20_000)
def function_word(word: str) -> bool:
    """A pronoun, preposition, conjunction, particle or interjection ("ты", "в", "и", "же")."""
    parses = morph().parse(word)
    return bool(parses) and parses[0].tag.POS in FUNCTION_POS


@functools.lru_cache(maxsize=20_000)
def is_name(word: str) -> bool:
    """Whether ``word`` is most likely a first name, surname or patronymic."""
    parses = morph().parse(word)
    return bool(parses) and any(g in parses[0].tag for g in ("Name", "Surn", "Patr"))


def inflect(lemma: str) -> list[tuple[str, Any]]:
    """Every form of ``lemma`` (folded) with its tag; an unknown word stands for itself."""
    target = fold(lemma)
    parses = [p for p in morph().parse(target) if fold(p.normal_form) == target]
    if not parses:
        return _participle_forms(target) or [(target, None)]
    forms: dict[tuple[str, str], Any] = {}
    for parse in parses:
        for form in parse.lexeme:
            forms[(fold(form.word), str(form.tag))] = form.tag
    return [(word, tag) for (word, _text), tag in forms.items()]


def _participle_forms(target: str) -> list[tuple[str, Any]]:
    """A participle used as a noun ("заведующий", "управляющая"): the dictionary takes the verb
    for its lemma, so its declension is read from the verb's lexeme, same tense and voice."""
    for parse in morph().parse(target):
        tag = parse.tag
        if parse.word == target and tag.POS == "PRTF":
            same = [
                f
                for f in parse.lexeme
                if f.tag.POS == "PRTF"
                and f.tag.tense == tag.tense
                and f.tag.voice == tag.voice
                and f.tag.aspect == tag.aspect
            ]
            return [(fold(f.word), f.tag) for f in same]
    return []
