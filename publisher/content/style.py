"""Style linter: press-release wording and bureaucratese (канцелярит) in Russian posts.

``lint(text)`` finds, with exact character offsets into ``text``:

- ``bureaucratic`` — official words and phrases: «осуществлять», «в целях», «является»;
- ``noun_chain`` — chains of verbal nouns: «проведение работ по устранению…»;
- ``passive`` — passive and impersonal report constructions: «было проведено», «состоялось»;
- ``formula`` — press-release formulas: «доводим до вашего сведения», «на высоком уровне»;
- ``cliche`` — empty intensifiers and clichés: «в полном объёме», «в кратчайшие сроки»;
- ``long_sentence`` — sentences longer than ``StyleRules.max_sentence_words`` words.

Words are matched by lemma (pymorphy3), so one list entry finds every form of a word. The lists
are data in ``publisher/data/style/`` (their syntax is in the README there); a repository adds
entries or allows some through ``StyleRules``. ``plain.yml`` lists everyday phrases that hold a
flagged word («приём граждан»): nothing inside them is reported. An entry's ``replace`` is a fix
that fits wherever the phrase stands («в настоящее время» → «сейчас»; one word is put into the
found word's form: «данного» → «этого»); it becomes ``Finding.replacement``, which review
suggestions offer to apply with one click. Markdown is fine as input: code, URLs, link
targets, HTML tags, hashtags and mentions are skipped, offsets still point into the original text.

Score (0..10, one decimal; 10 = plain conversational text)::

    score = clamp(10 - 80 * P / max(W, 20), 0, 10)

where ``P`` is the sum of the findings' category weights (``WEIGHTS``: a formula or a noun chain
costs 1.5, a bureaucratic word, a passive construction or a long sentence 1, a cliché 0.5) and
``W`` the number of words in the text. Each weighted finding per 100 words costs 0.8 points; a
text shorter than 20 words counts as 20 words, so one slip in a short post does not zero it.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import yaml

from publisher.core.config import PHRASE_CATEGORIES, StyleRules
from publisher.core.i18n import N_, _
from publisher.core.resources import DATA_DIR

DATA_DIR = DATA_DIR / "style"
LEMMAS_FILE = "lemmas.json"

BUREAUCRATIC = "bureaucratic"
NOUN_CHAIN = "noun_chain"
PASSIVE = "passive"
FORMULA = "formula"
CLICHE = "cliche"
LONG_SENTENCE = "long_sentence"
#: the phrases of ``plain.yml``: they only keep other findings away
PLAIN = "plain"

CATEGORY_LABELS: dict[str, str] = {
    BUREAUCRATIC: N_("Bureaucratic wording"),
    NOUN_CHAIN: N_("Chain of verbal nouns"),
    PASSIVE: N_("Passive report construction"),
    FORMULA: N_("Press-release formula"),
    CLICHE: N_("Empty intensifier or cliché"),
    LONG_SENTENCE: N_("Long sentence"),
}


#: Penalty of one finding in the score (see the module docstring).
WEIGHTS: dict[str, float] = {
    BUREAUCRATIC: 1.0,
    NOUN_CHAIN: 1.5,
    PASSIVE: 1.0,
    FORMULA: 1.5,
    CLICHE: 0.5,
    LONG_SENTENCE: 1.0,
}
SCORE_SCALE = 80.0
SCORE_MIN_WORDS = 20

_MESSAGES: dict[str, str] = {
    BUREAUCRATIC: N_("Bureaucratic wording: {words}"),
    NOUN_CHAIN: N_("Chain of verbal nouns: {words}"),
    PASSIVE: N_("Passive report construction: {words}"),
    FORMULA: N_("Press-release formula: {words}"),
    CLICHE: N_("Empty intensifier or cliché: {words}"),
}
_ADVICE: dict[str, str] = {
    NOUN_CHAIN: N_("Say who does what: replace the nouns with a verb"),
    PASSIVE: N_("Name who did it and use an active verb"),
    LONG_SENTENCE: N_("Split it into two or three short sentences"),
}
_DEFAULT_ADVICE = N_("Say it simply or leave it out")

MIN_SCORE = 0.1  # pymorphy3 parses less likely than this are ignored, unless context agrees
MAX_GAP = 4  # how many words «...» in a phrase may skip


@dataclass(frozen=True)
class Finding:
    """One style problem: ``text[start:end]`` of the analysed text.

    ``replacement`` is what to put there instead when a mechanical fix is right (its list
    entry's ``replace``, in the found word's form); empty when only a person can reword it.
    """

    start: int
    end: int
    category: str
    message: str
    suggestion: str
    replacement: str = ""


@dataclass(frozen=True)
class StyleReport:
    """Findings in text order and the 0..10 score (10 = plain conversational text)."""

    findings: tuple[Finding, ...]
    score: float

    def as_json(self) -> dict[str, Any]:
        return {
            "findings": [
                {
                    "start": f.start,
                    "end": f.end,
                    "category": f.category,
                    "message": f.message,
                    "suggestion": f.suggestion,
                    "replacement": f.replacement,
                }
                for f in self.findings
            ],
            "score": self.score,
        }


# --- morphology -------------------------------------------------------------------------------


@cache
def _analyzer() -> Any:
    """The pymorphy3 analyzer, loaded once on first use (it takes a fraction of a second)."""
    import pymorphy3  # type: ignore[import-untyped]

    return pymorphy3.MorphAnalyzer()


def _norm(word: str) -> str:
    return word.lower().replace("ё", "е")


@dataclass(frozen=True, slots=True)
class _Parse:
    lemma: str
    pos: str
    grammemes: frozenset[str]
    score: float
    case: str
    number: str


@lru_cache(maxsize=65536)
def _parses(word: str) -> tuple[_Parse, ...]:
    """The analyses of a lower-cased word, most likely first."""
    result = []
    for parse in _analyzer().parse(word):
        tag = parse.tag
        result.append(
            _Parse(
                lemma=_norm(str(parse.normal_form)),
                pos=str(tag.POS or ""),
                grammemes=frozenset(str(g) for g in tag.grammemes),
                score=float(parse.score),
                case=str(tag.case or ""),
                number=str(tag.number or ""),
            )
        )
    return tuple(result)


@lru_cache(maxsize=4096)
def _lemma(word: str) -> str:
    """The most likely lemma of a word written in a list (the built-in lists' words are looked
    up in ``lemmas.json``: compiling them then needs no morphology, which is slow to start)."""
    known = _known_lemmas().get(word)
    return known if known is not None else _analysed_lemma(word)


def _analysed_lemma(word: str) -> str:
    parses = _parses(_norm(word))
    return parses[0].lemma if parses else _norm(word)


@cache
def _known_lemmas() -> dict[str, str]:
    try:
        with open(DATA_DIR / LEMMAS_FILE, encoding="utf-8") as handle:
            table = json.load(handle)
    except (OSError, ValueError):
        return {}
    return table if isinstance(table, dict) else {}


def lemma_table() -> dict[str, str]:
    """Every word of the built-in lists with its lemma, as morphology gives it: the content of
    ``lemmas.json`` (``make lemmas`` writes it; a test checks that it is up to date)."""
    table: dict[str, str] = {}

    def record(word: str) -> str:
        table[word] = _analysed_lemma(word)
        return table[word]

    for category, raw in [*_list_phrases(), (PLAIN, _load("plain.yml"))]:
        _compile_entries(category, raw, record)
    return dict(sorted(table.items()))


def write_lemma_table() -> None:
    text = json.dumps(lemma_table(), ensure_ascii=False, indent=0, sort_keys=True)
    (DATA_DIR / LEMMAS_FILE).write_text(text + "\n", encoding="utf-8")


def _plausible(parses: tuple[_Parse, ...]) -> tuple[_Parse, ...]:
    """The most likely parse and every other one that is not too unlikely."""
    return tuple(p for i, p in enumerate(parses) if i == 0 or p.score >= MIN_SCORE)


_ADJECTIVAL = frozenset({"ADJF", "PRTF"})
_AGREEING = frozenset({"NOUN", "ADJF", "PRTF"})
_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"})
_GENITIVE = frozenset({"gent", "gen2"})
_PERSONAL = frozenset({"1per", "2per", "impr"})


@dataclass(frozen=True, slots=True, eq=False)
class _Word:
    """A written word as the finders see it, worked out once per process (see ``_word``).

    Its lemmas depend on the next word only through ``agreeing``: adjectival readings that
    count when the next word agrees in case and number (``_lemmas``).
    """

    norm: str
    parses: tuple[_Parse, ...]  # the plausible ones, most likely first
    pos: str  # of the most likely parse, "" for a word pymorphy3 does not analyse
    lemmas: frozenset[str]  # what it reads as whatever follows
    agreeing: tuple[tuple[str, str, str], ...]  # (lemma, case, number) counted if agreed with
    agreement: frozenset[tuple[str, str]]  # (case, number) an adjective before it agrees with
    verbal: bool  # a verbal noun for noun chains: «проведение», «устранение»
    genitive: bool  # can be a noun in the genitive: the link of a noun chain
    preposition: bool  # a preposition that may link a noun chain
    report: bool  # a report participle: «проведено», «усилен»
    reflexive: bool  # a reflexive verb of a passive report: «проводится»


@lru_cache(maxsize=131072)
def _word(text: str) -> _Word:
    """Everything about a word that does not depend on its neighbours.

    Memoised: the vocabulary of posts repeats, so most words of a text have been seen before;
    pymorphy3 and the per-parse tests below are the bulk of the linter's work otherwise.
    """
    norm = _norm(text)
    preposition = norm in _lists().chain_prepositions
    analysed = _parses(norm) if _RUSSIAN.fullmatch(text) else ()
    if not analysed:  # a number, a Latin word: it reads as itself and nothing else
        return _Word(
            norm=norm,
            parses=(),
            pos="",
            lemmas=frozenset({norm}),
            agreeing=(),
            agreement=frozenset(),
            verbal=False,
            genitive=False,
            preposition=preposition,
            report=False,
            reflexive=False,
        )
    parses = _plausible(analysed)
    lemmas, agreeing = _lemma_readings(analysed)
    top = parses[0]
    return _Word(
        norm=norm,
        parses=parses,
        pos=top.pos,
        lemmas=lemmas,
        agreeing=agreeing,
        agreement=frozenset((p.case, p.number) for p in parses if p.pos in _AGREEING),
        verbal=_is_verbal(top),
        genitive=any(p.pos == "NOUN" and p.case in _GENITIVE for p in parses),
        preposition=preposition,
        report=_is_report(parses),
        reflexive=_is_reflexive(top),
    )


def _lemma_readings(
    parses: tuple[_Parse, ...],
) -> tuple[frozenset[str], tuple[tuple[str, str, str], ...]]:
    """Lemmas that always count, and adjectival ones that count only before an agreeing word.

    Unlikely parses are dropped. An adjectival reading of a word that can also be a noun counts
    only when the next word agrees with it: «данных мероприятий» (this) but «по данным» (data).
    """
    has_noun = any(p.pos == "NOUN" and p.score >= MIN_SCORE for p in parses)
    lemmas = set()
    agreeing = []
    for index, parse in enumerate(parses):
        likely = index == 0 or parse.score >= MIN_SCORE
        if parse.pos in _ADJECTIVAL and (has_noun or not likely):
            agreeing.append((parse.lemma, parse.case, parse.number))
        elif likely:
            lemmas.add(parse.lemma)
    return frozenset(lemmas), tuple(agreeing)


def _lemmas(word: _Word, following: _Word | None) -> frozenset[str]:
    """Plausible lemmas of a word in context (``following``: the next word of its sentence)."""
    if not word.agreeing:
        return word.lemmas
    agreement = following.agreement if following else frozenset()
    extra = {lemma for lemma, case, number in word.agreeing if (case, number) in agreement}
    return word.lemmas | extra if extra else word.lemmas


def _is_verbal(top: _Parse) -> bool:
    """A verbal noun («проведение»), not a name or a noun that only looks like one."""
    if top.pos != "NOUN" or _NAME_TAGS & top.grammemes:
        return False
    lists = _lists()
    if top.lemma in lists.verbal:
        return True
    return top.lemma.endswith(lists.chain_suffixes) and top.lemma not in lists.not_verbal


def _is_report(parses: tuple[_Parse, ...]) -> bool:
    """«проведено»; also «усилен», which pymorphy3 reads first as a short adjective."""
    top, participles = parses[0], _lists().participles
    return any(
        p.pos == "PRTS"
        and p.lemma in participles
        and (p is top or (top.pos == "ADJS" and p.score >= MIN_SCORE))
        for p in parses
    )


def _is_reflexive(top: _Parse) -> bool:
    """«проводится», «состоялось»: a reflexive verb from the list, not in 1st/2nd person."""
    return (
        top.pos == "VERB"
        and top.lemma.endswith(("ся", "сь"))
        and top.lemma[:-2] in _lists().reflexive
        and not _PERSONAL & top.grammemes
    )


# --- text: what to skip, words and sentences ----------------------------------------------------

_SKIP = re.compile(
    r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)"  # front matter
    r"|^[ \t]*(```|~~~).*?(?:^[ \t]*\1[^\n]*$|\Z)"  # fenced code
    r"|`[^`\n]*`"  # inline code
    r"|\]\([^)\n]*\)"  # link targets
    r"|<[^<>\n]*>"  # HTML tags and autolinks
    r"|(?:https?://|www\.)\S+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?<![\w#@])[#@][^\W_]\w*",  # hashtags and mentions
    re.MULTILINE | re.DOTALL,
)
_WORD = re.compile(r"[^\W_]+(?:[-‐][^\W_]+)*")
_RUSSIAN = re.compile(r"[а-яё]+(?:[-‐][а-яё]+)*", re.IGNORECASE)  # words pymorphy3 analyses
_BREAK = re.compile(
    r"\n[ \t]*\n"  # blank line
    r"|\n(?=[ \t]*(?:[-*+•—–]|\d+[.)]|#|>)[ \t])"  # list item, heading or quote on the next line
    r"|\|"  # table cells
    r"|[.!?…]+[\"»”)\]*_]*(?=\s|\Z)"  # terminal punctuation (not «1.5», «сайт.рф»)
    r"|[!?…]+[\"»”)\]*_]*"  # ! and ? end a sentence whatever follows
)
_LAST_WORD = re.compile(r"([^\W_]+(?:-[^\W_]+)?)\s*$")
_NOT_NEWLINE = re.compile(r"[^\n]")
#: Every part of ``_SKIP`` contains one of these; most posts have none, and searching for them
#: is much faster than running ``_SKIP``.
_SKIP_HINTS = ("`", "<", "@", "#", "~~~", "](", "http://", "https://", "www.")


def _mask(text: str) -> str:
    """``text`` with everything that is not prose blanked out (newlines kept, length kept)."""

    def blank(match: re.Match[str]) -> str:
        return _NOT_NEWLINE.sub(" ", match.group(0))

    if not text.startswith("---") and not any(hint in text for hint in _SKIP_HINTS):
        return text
    return _SKIP.sub(blank, text)


def _sentence_breaks(masked: str) -> list[int]:
    """Offsets where sentences end."""
    breaks = []
    for match in _BREAK.finditer(masked):
        end = match.start()
        if match.group(0)[0] == "." and _abbreviation(masked[max(0, end - 20) : end]):
            continue
        breaks.append(match.end())
    return breaks


@lru_cache(maxsize=16384)
def _abbreviation(before: str) -> bool:
    """Whether the word that ``before`` ends with is an abbreviation or an initial («ул», «А»)."""
    word = _LAST_WORD.search(before)
    return bool(
        word
        and (
            _norm(word.group(1)) in _lists().abbreviations
            or (len(word.group(1)) == 1 and word.group(1).isupper())
        )
    )


@dataclass(slots=True, eq=False)
class _Token:
    """A word of the text at ``text[start:end]``, in sentence number ``sentence``."""

    start: int
    end: int
    sentence: int
    word: _Word
    lemmas: frozenset[str]  # the word's lemmas in this context (``_lemmas``)

    @property
    def norm(self) -> str:
        return self.word.norm

    @property
    def pos(self) -> str:
        return self.word.pos

    def has(self, lemma: str) -> bool:
        return lemma in self.lemmas


def _tokenize(text: str) -> list[_Token]:
    """The words of ``text`` outside code, links and the like, with their sentence numbers."""
    masked = _mask(text)
    breaks = _sentence_breaks(masked)
    tokens: list[_Token] = []
    previous = None
    sentence = 0
    for match in _WORD.finditer(masked):
        start = match.start()
        while sentence < len(breaks) and breaks[sentence] <= start:
            sentence += 1
        word = _word(match.group(0))
        if previous is not None and previous.word.agreeing and previous.sentence == sentence:
            previous.lemmas = _lemmas(previous.word, word)  # they depend on the next word
        previous = _Token(start, match.end(), sentence, word, word.lemmas)
        tokens.append(previous)
    return tokens


# --- phrase lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    lemmas: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    gap: bool = False


@dataclass(frozen=True)
class _Entry:
    category: str
    slots: tuple[_Slot, ...]
    suggestion: str
    #: the fix to put in place of the phrase (see ``_replacement``); "" when there is none
    replace: str = ""


def _compile_phrase(phrase: str, lemma: Callable[[str], str] = _lemma) -> list[tuple[_Slot, ...]]:
    """The slot sequences of a phrase (one per `` ; ``-separated alternative)."""
    alternatives = []
    for variant in phrase.split(";"):
        slots: list[_Slot] = []
        for word in variant.split():
            if word == "...":
                if slots and not slots[-1].gap:
                    slots.append(_Slot(gap=True))
                continue
            lemmas, forms = set(), set()
            for option in word.split("|"):
                if option.startswith("="):
                    if option[1:]:
                        forms.add(_norm(option[1:]))
                elif option:
                    lemmas.add(lemma(option))
            if lemmas or forms:
                slots.append(_Slot(frozenset(lemmas), frozenset(forms)))
        while slots and slots[-1].gap:
            slots.pop()
        if slots:
            alternatives.append(tuple(slots))
    return alternatives


def _compile_entries(
    category: str, raw: Sequence[Mapping[str, str] | str], lemma: Callable[[str], str] = _lemma
) -> list[_Entry]:
    """Compile list entries; a bare string is a phrase without a suggestion of its own. A
    ``replace`` is kept only for a phrase without gaps: a fix replaces the words found, and
    what a gap skipped is not the phrase's to change."""
    entries = []
    for item in raw:
        if isinstance(item, str):
            phrase, suggestion, replace = item, "", ""
        else:
            phrase, suggestion = str(item.get("phrase") or ""), str(item.get("suggestion") or "")
            replace = str(item.get("replace") or "")
        for slots in _compile_phrase(phrase, lemma):
            fix = replace if not any(slot.gap for slot in slots) else ""
            entries.append(_Entry(category, slots, suggestion, fix))
    return entries


def _load(name: str) -> Any:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass(frozen=True)
class _Lists:
    entries: tuple[_Entry, ...]
    plain: tuple[_Entry, ...]
    participles: frozenset[str]
    reflexive: frozenset[str]
    chain_suffixes: tuple[str, ...]
    not_verbal: frozenset[str]
    verbal: frozenset[str]
    chain_prepositions: frozenset[str]
    abbreviations: frozenset[str]


def _list_phrases() -> list[tuple[str, Any]]:
    """The built-in phrase lists by category."""
    phrases = [(category, _load(f"{category}.yml")) for category in (FORMULA, BUREAUCRATIC, CLICHE)]
    return [*phrases, (PASSIVE, _load("passive.yml")["phrases"])]


@cache
def _lists() -> _Lists:
    """The built-in lists, read and compiled once."""
    entries: list[_Entry] = []
    for category, raw in _list_phrases():
        entries += _compile_entries(category, raw)
    passive = _load("passive.yml")
    chain = _load("noun_chain.yml")
    return _Lists(
        entries=tuple(entries),
        plain=tuple(_compile_entries(PLAIN, _load("plain.yml"))),
        participles=frozenset(_norm(w) for w in passive["participles"]),
        reflexive=frozenset(_norm(w) for w in passive["reflexive"]),
        chain_suffixes=tuple(chain["suffixes"]),
        not_verbal=frozenset(_norm(w) for w in chain["not_verbal"]),
        verbal=frozenset(_norm(w) for w in chain["verbal"]),
        chain_prepositions=frozenset(_norm(w) for w in chain["prepositions"]),
        abbreviations=frozenset(_norm(w) for w in _load("abbreviations.yml")),
    )


@dataclass(frozen=True, slots=True)
class _Starts:
    """The phrase entries that can start at a word.

    ``short``: to try whatever the next word is (one-word phrases and those that go on with
    «...»); ``by_next``: the others, by what the next word's norm or one of its lemmas must be.
    """

    short: tuple[_Entry, ...] = ()
    by_next: Mapping[str, tuple[_Entry, ...]] = field(default_factory=dict)


_NO_STARTS = _Starts()


def _keys(slot: _Slot) -> frozenset[str]:
    """What a word's norm or one of its lemmas must be for ``slot`` to match it."""
    return slot.lemmas | slot.forms


_SEEN_LIMIT = 200_000  # word readings an index remembers; more are forgotten all at once


class _Index:
    """Phrase entries by what their first two words can be, for a quick scan.

    Built once per set of entries (``_index``); the entries a word in a given reading can start
    are remembered, since the same words come back in every text. Many phrases start with «в»,
    «на» or «по», so indexing the second word too spares trying them all after every «в».
    """

    def __init__(self, entries: Sequence[_Entry]) -> None:
        self.by_key: dict[str, list[_Entry]] = {}
        for entry in entries:
            for key in _keys(entry.slots[0]):
                self.by_key.setdefault(key, []).append(entry)
        self.seen: dict[tuple[str, frozenset[str]], _Starts] = {}

    def starts(self, token: _Token) -> _Starts:
        key = (token.word.norm, token.lemmas)
        found = self.seen.get(key)
        if found is None:
            if len(self.seen) >= _SEEN_LIMIT:
                self.seen.clear()
            found = self.seen[key] = self._lookup(*key)
        return found

    def _lookup(self, norm: str, lemmas: frozenset[str]) -> _Starts:
        entries = _unique(entry for key in (norm, *lemmas) for entry in self.by_key.get(key, ()))
        if not entries:
            return _NO_STARTS
        short: list[_Entry] = []
        by_next: dict[str, list[_Entry]] = {}
        for entry in entries:
            if len(entry.slots) == 1 or entry.slots[1].gap:
                short.append(entry)
            else:
                for key in _keys(entry.slots[1]):
                    by_next.setdefault(key, []).append(entry)
        return _Starts(tuple(short), {key: tuple(found) for key, found in by_next.items()})

    @staticmethod
    def candidates(starts: _Starts, following: _Token | None) -> list[_Entry]:
        """The entries to try at a token that can start ``starts``, followed by ``following``."""
        if not starts.by_next or following is None:
            return list(starts.short)
        more = [
            entry
            for key in (following.word.norm, *following.lemmas)
            for entry in starts.by_next.get(key, ())
        ]
        return _unique([*starts.short, *more]) if more else list(starts.short)


def _unique(entries: Iterable[_Entry]) -> list[_Entry]:
    """``entries`` without repeats (by identity: two list lines may compile to equal entries)."""
    return list({id(entry): entry for entry in entries}.values())


def _match(
    slots: tuple[_Slot, ...], tokens: list[_Token], index: int, at: int = 0
) -> list[int] | None:
    """Token indices matched by ``slots[at:]`` starting at ``tokens[index]`` (gaps excluded).

    Consecutive words of a phrase must be in one sentence; a gap («...») skips up to
    ``MAX_GAP`` words of the sentence of the word before it (a phrase never starts with one).
    """
    found: list[int] = []
    for position in range(at, len(slots)):
        slot = slots[position]
        if slot.gap:
            sentence = tokens[index - 1].sentence
            for skip in range(index, min(index + MAX_GAP + 1, len(tokens))):
                if tokens[skip].sentence != sentence:
                    break
                rest = _match(slots, tokens, skip, position + 1)
                if rest is not None:
                    return found + rest
            return None
        if index >= len(tokens):
            return None
        token = tokens[index]
        if found and token.sentence != tokens[index - 1].sentence:
            return None  # the previous slot matched the word before, in another sentence
        if token.word.norm not in slot.forms and slot.lemmas.isdisjoint(token.lemmas):
            return None
        found.append(index)
        index += 1
    return found


# --- the finders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    category: str
    suggestion: str
    core: tuple[int, ...]  # token indices that the ignore list is compared with
    replace: str = ""  # the entry's fix (see ``_replacement``)
    lemmas: frozenset[str] = frozenset()  # a one-word entry's lemmas: the word to inflect


def _phrase_hits(tokens: list[_Token], index: _Index) -> Iterator[_Hit]:
    for at, token in enumerate(tokens):
        starts = index.starts(token)
        if starts is _NO_STARTS:
            continue
        following = tokens[at + 1] if at + 1 < len(tokens) else None
        for entry in index.candidates(starts, following):
            found = _match(entry.slots, tokens, at)
            if found:
                start, end = tokens[found[0]].start, tokens[found[-1]].end
                one = entry.slots[0].lemmas if len(entry.slots) == 1 else frozenset()
                core = tuple(found)
                yield _Hit(start, end, entry.category, entry.suggestion, core, entry.replace, one)


def _passive_hits(tokens: list[_Token]) -> Iterator[_Hit]:
    for at, token in enumerate(tokens):
        word = token.word
        if word.report or word.pos == "PRTS":
            neighbours = [
                i
                for i in (at - 2, at - 1, at + 1)
                if 0 <= i < len(tokens)
                and tokens[i].sentence == token.sentence
                and tokens[i].has("быть")
                and tokens[i].pos == "VERB"
            ]
            if word.report or neighbours:
                first = min([at, *neighbours])
                last = max([at, *neighbours])
                yield _Hit(tokens[first].start, tokens[last].end, PASSIVE, "", (at,))
        elif word.reflexive:
            yield _Hit(token.start, token.end, PASSIVE, "", (at,))


def _adjacent(text: str, tokens: list[_Token], index: int) -> bool:
    """``tokens[index]`` follows the word before it with only spaces between."""
    left, right = tokens[index - 1], tokens[index]
    return left.sentence == right.sentence and not text[left.end : right.start].strip()


def _chain_hits(text: str, tokens: list[_Token]) -> Iterator[_Hit]:
    if sum(1 for token in tokens if token.word.verbal) < 2:
        return  # every chain reported has at least two verbal nouns
    count = len(tokens)
    at = 0
    while at < count:
        if tokens[at].pos != "NOUN":
            at += 1
            continue
        nouns = [at]
        while True:
            step = nouns[-1] + 1
            preposition = False
            if step < count and tokens[step].word.preposition and _adjacent(text, tokens, step):
                preposition = True
                step += 1
            while (
                step < count and tokens[step].pos in _ADJECTIVAL and _adjacent(text, tokens, step)
            ):
                step += 1
            if (
                step < count
                and tokens[step].pos == "NOUN"
                and (preposition or tokens[step].word.genitive)
                and _adjacent(text, tokens, step)
            ):
                nouns.append(step)
                continue
            break
        at = nouns[-1] + 1
        while nouns and not tokens[nouns[0]].word.verbal:
            nouns.pop(0)  # the chain starts at its first verbal noun
        verbal = sum(1 for i in nouns if tokens[i].word.verbal)
        if (len(nouns) >= 3 and verbal >= 2) or verbal >= 3:
            head, tail = tokens[nouns[0]], tokens[nouns[-1]]
            yield _Hit(head.start, tail.end, NOUN_CHAIN, "", tuple(range(nouns[0], nouns[-1] + 1)))


def _long_sentences(tokens: list[_Token], limit: int) -> Iterator[tuple[_Hit, int]]:
    numbers = [token.sentence for token in tokens]  # never decreasing
    start = 0
    while start < len(numbers):
        end = bisect.bisect_right(numbers, numbers[start], start)  # one past the sentence
        count = end - start
        if count > limit:
            yield _Hit(tokens[start].start, tokens[end - 1].end, LONG_SENTENCE, "", ()), count
        start = end


# --- putting it together -------------------------------------------------------------------------

_PRIORITY = {category: rank for rank, category in enumerate(PHRASE_CATEGORIES)}


def _without_overlaps(hits: list[_Hit]) -> list[_Hit]:
    """Drop phrase hits inside a longer one (of any phrase category) and exact duplicates."""
    ordered = sorted(
        set(hits), key=lambda h: (h.start, -(h.end - h.start), _PRIORITY.get(h.category, 99))
    )
    kept: list[_Hit] = []
    for hit in ordered:
        if any(k.start <= hit.start and hit.end <= k.end for k in kept):
            continue
        kept.append(hit)
    return kept


def _ignored(hit: _Hit, tokens: list[_Token], ignore: list[tuple[str, ...]]) -> bool:
    core = [tokens[i] for i in hit.core]
    for words in ignore:
        if len(words) == len(core) and all(
            word == token.norm or token.has(word) for word, token in zip(words, core, strict=True)
        ):
            return True
    return False


def _message(category: str, words: str) -> str:
    return _(_MESSAGES[category], words=words)


_INDEXES: dict[str, _Index] = {}


@cache
def _plain_index() -> _Index:
    return _Index(_lists().plain)


def _within(hit: _Hit, plain: Sequence[_Hit]) -> bool:
    """The hit lies inside a plain phrase («граждан» of «приём граждан»)."""
    return any(p.start <= hit.start and hit.end <= p.end for p in plain)


#: what a fixed replacement may stand in for: words, spaces and hyphens of one line (markup or
#: a line break between the words would be lost)
_REPLACEABLE = re.compile(r"[^\W_]+(?:[ \t-]+[^\W_]+)*")
#: the grammemes a one-word fix takes over from the found word, by what they describe
_CASES = {
    "nomn": "nomn",
    "voct": "nomn",
    "gent": "gent",
    "gen1": "gent",
    "gen2": "gent",
    "datv": "datv",
    "accs": "accs",
    "acc2": "accs",
    "ablt": "ablt",
    "loct": "loct",
    "loc1": "loct",
    "loc2": "loct",
}
_NUMBERS = frozenset({"sing", "plur"})
_GENDERS = frozenset({"masc", "femn", "neut"})
_ANIMACY = frozenset({"anim", "inan"})
_VERB_FORMS = frozenset(
    {"past", "pres", "futr", "1per", "2per", "3per", "indc", "impr", "actv", "pssv", "incl", "excl"}
)
_VERBAL_POS = frozenset({"VERB", "INFN", "PRTF", "PRTS", "GRND"})
_AGREEING_POS = frozenset({"ADJF", "ADJS", "PRTF", "PRTS", "VERB"})


def _replacement(hit: _Hit, tokens: list[_Token], words: str) -> str:
    """The text to put in place of ``words`` (the hit's span), or "" when there is no safe fix.

    A phrase's fix stands as it is («сейчас»); a one-word entry's fix takes the found word's
    form, and only when every plausible reading of the word gives the same one.
    """
    if not hit.replace or not _REPLACEABLE.fullmatch(words):
        return ""
    fix = hit.replace
    if hit.lemmas:
        fix = _inflected(hit.replace, tokens[hit.core[0]].norm, hit.lemmas)
    if fix and words[:1].isupper():
        fix = fix[:1].upper() + fix[1:]
    return fix


def _inflected(lemma: str, word: str, lemmas: frozenset[str]) -> str:
    """``lemma`` in the form ``word`` has as a reading of one of ``lemmas`` ("" if unsure)."""
    forms = set()
    parses = _analyzer().parse(word)
    for index, parse in enumerate(parses):
        if _norm(str(parse.normal_form)) not in lemmas or (index and parse.score < MIN_SCORE):
            continue
        pos = str(parse.tag.POS or "")
        source = _replacement_parse(lemma, pos)
        target = source.inflect(_form_of(parse.tag, pos)) if source is not None else None
        forms.add(str(target.word) if target is not None else "")
    return forms.pop() if len(forms) == 1 else ""


def _replacement_parse(lemma: str, pos: str) -> Any:
    """The dictionary reading of ``lemma`` to inflect for a word of part of speech ``pos``."""
    for parse in _analyzer().parse(lemma):
        kind = str(parse.tag.POS or "")
        if _norm(str(parse.normal_form)) == _norm(lemma) and (
            kind == pos or (pos in _VERBAL_POS and kind == "INFN")
        ):
            return parse
    return None


def _form_of(tag: Any, pos: str) -> set[str]:
    """The grammemes of ``tag`` a replacement must share to stand in the same place."""
    grammemes = {str(g) for g in tag.grammemes}
    wanted = {_CASES[g] for g in grammemes if g in _CASES} | (grammemes & _NUMBERS) | {pos}
    if pos in _AGREEING_POS:
        wanted |= grammemes & _GENDERS
    if pos in ("ADJF", "PRTF") and "accs" in wanted:
        wanted |= grammemes & _ANIMACY
    if pos in _VERBAL_POS:
        wanted |= grammemes & _VERB_FORMS
    return wanted


def _index(rules: StyleRules) -> _Index:
    """The phrase index of the built-in lists plus ``rules.extra``, built once per ``extra``."""
    key = repr(rules.extra)
    if key not in _INDEXES:
        entries = list(_lists().entries)
        for category, raw in rules.extra.items():
            entries += _compile_entries(category, raw)
        if len(_INDEXES) >= 16:
            _INDEXES.clear()
        _INDEXES[key] = _Index(entries)
    return _INDEXES[key]


def lint(text: str, rules: StyleRules | None = None) -> StyleReport:
    """Find press-release wording in ``text`` (plain text or Markdown) and score it."""
    rules = rules or StyleRules()
    tokens = _tokenize(text)
    disabled = {item for item in rules.ignore if item in CATEGORY_LABELS}
    ignore = [
        tuple(_lemma(word) for word in item.split())
        for item in rules.ignore
        if item not in CATEGORY_LABELS and item.split()
    ]

    def allowed(hit: _Hit) -> bool:
        return hit.category not in disabled and not _ignored(hit, tokens, ignore)

    plain = list(_phrase_hits(tokens, _plain_index()))
    phrase_hits = [*_phrase_hits(tokens, _index(rules)), *_passive_hits(tokens)]
    hits = _without_overlaps([h for h in phrase_hits if allowed(h) and not _within(h, plain)])
    hits += [h for h in _chain_hits(text, tokens) if allowed(h)]

    findings: list[Finding] = []
    for hit in hits:
        words = text[hit.start : hit.end]
        suggestion = hit.suggestion or _(_ADVICE.get(hit.category, _DEFAULT_ADVICE))
        message = _message(hit.category, words)
        fix = _replacement(hit, tokens, words)
        findings.append(Finding(hit.start, hit.end, hit.category, message, suggestion, fix))
    if LONG_SENTENCE not in disabled:
        limit = max(1, rules.max_sentence_words)
        for hit, count in _long_sentences(tokens, limit):
            message = _("Long sentence: {count} words, limit {limit}", count=count, limit=limit)
            findings.append(
                Finding(hit.start, hit.end, LONG_SENTENCE, message, _(_ADVICE[LONG_SENTENCE]))
            )
    findings.sort(key=lambda f: (f.start, f.end, f.category))
    return StyleReport(tuple(findings), _score(findings, len(tokens)))


def _score(findings: Sequence[Finding], words: int) -> float:
    penalty = sum(WEIGHTS.get(f.category, 1.0) for f in findings)
    score = 10.0 - SCORE_SCALE * penalty / max(words, SCORE_MIN_WORDS)
    return round(min(10.0, max(0.0, score)), 1)
