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
entries or allows some through ``StyleRules``. Markdown is fine as input: code, URLs, link
targets, HTML tags, hashtags and mentions are skipped, offsets still point into the original text.

Score (0..10, one decimal; 10 = plain conversational text)::

    score = clamp(10 - 80 * P / max(W, 20), 0, 10)

where ``P`` is the sum of the findings' category weights (``WEIGHTS``: a formula or a noun chain
costs 1.5, a bureaucratic word, a passive construction or a long sentence 1, a cliché 0.5) and
``W`` the number of words in the text. Each weighted finding per 100 words costs 0.8 points; a
text shorter than 20 words counts as 20 words, so one slip in a short post does not zero it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from .i18n import N_, _

DATA_DIR = Path(__file__).parent / "data" / "style"

BUREAUCRATIC = "bureaucratic"
NOUN_CHAIN = "noun_chain"
PASSIVE = "passive"
FORMULA = "formula"
CLICHE = "cliche"
LONG_SENTENCE = "long_sentence"

CATEGORY_LABELS: dict[str, str] = {
    BUREAUCRATIC: N_("Bureaucratic wording"),
    NOUN_CHAIN: N_("Chain of verbal nouns"),
    PASSIVE: N_("Passive report construction"),
    FORMULA: N_("Press-release formula"),
    CLICHE: N_("Empty intensifier or cliché"),
    LONG_SENTENCE: N_("Long sentence"),
}

#: Categories whose findings come from phrase lists, so a repository can add entries to them.
PHRASE_CATEGORIES: tuple[str, ...] = (FORMULA, BUREAUCRATIC, CLICHE, PASSIVE)

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
    """One style problem: ``text[start:end]`` of the analysed text."""

    start: int
    end: int
    category: str
    message: str
    suggestion: str


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
                }
                for f in self.findings
            ],
            "score": self.score,
        }


@dataclass(frozen=True)
class StyleRules:
    """A repository's additions to the built-in lists.

    ``extra``: category (one of ``PHRASE_CATEGORIES``) -> entries ``{"phrase", "suggestion"}`` in
    the data files' syntax. ``ignore``: words or phrases the repository allows (matched by lemma,
    so «мероприятие» allows every form), or whole category ids such as ``"long_sentence"``.
    """

    extra: Mapping[str, Sequence[Mapping[str, str]]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()
    max_sentence_words: int = 25

    def __post_init__(self) -> None:
        for category in self.extra:
            if category not in PHRASE_CATEGORIES:
                raise ValueError(_("Unknown style category: {category}", category=category))


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
    """The most likely lemma of a word written in a list."""
    parses = _parses(_norm(word))
    return parses[0].lemma if parses else _norm(word)


def _plausible(parses: tuple[_Parse, ...]) -> tuple[_Parse, ...]:
    """The most likely parse and every other one that is not too unlikely."""
    return tuple(p for i, p in enumerate(parses) if i == 0 or p.score >= MIN_SCORE)


_ADJECTIVAL = frozenset({"ADJF", "PRTF"})
_AGREEING = frozenset({"NOUN", "ADJF", "PRTF"})


def _agrees(parse: _Parse, following: tuple[_Parse, ...]) -> bool:
    return any(
        p.pos in _AGREEING and p.case == parse.case and p.number == parse.number for p in following
    )


def _lemmas(parses: tuple[_Parse, ...], following: tuple[_Parse, ...]) -> frozenset[str]:
    """Plausible lemmas of a word in context.

    Unlikely parses are dropped. An adjectival reading of a word that can also be a noun counts
    only when the next word agrees with it: «данных мероприятий» (this) but «по данным» (data).
    """
    has_noun = any(p.pos == "NOUN" and p.score >= MIN_SCORE for p in parses)
    lemmas = set()
    for index, parse in enumerate(parses):
        likely = index == 0 or parse.score >= MIN_SCORE
        if parse.pos in _ADJECTIVAL:
            ok = _agrees(parse, following) if has_noun else likely or _agrees(parse, following)
        else:
            ok = likely
        if ok:
            lemmas.add(parse.lemma)
    return frozenset(lemmas)


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


def _mask(text: str) -> str:
    """``text`` with everything that is not prose blanked out (newlines kept, length kept)."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return _SKIP.sub(blank, text)


def _sentence_breaks(masked: str) -> list[int]:
    """Offsets where sentences end."""
    breaks = []
    for match in _BREAK.finditer(masked):
        if match.group(0)[0] == ".":
            word = _LAST_WORD.search(masked, max(0, match.start() - 20), match.start())
            if word and (
                _norm(word.group(1)) in _lists().abbreviations
                or (len(word.group(1)) == 1 and word.group(1).isupper())
            ):
                continue
        breaks.append(match.end())
    return breaks


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    norm: str
    sentence: int
    parses: tuple[_Parse, ...]  # the plausible ones, most likely first
    lemmas: frozenset[str]

    @property
    def top(self) -> _Parse | None:
        return self.parses[0] if self.parses else None

    @property
    def pos(self) -> str:
        return self.parses[0].pos if self.parses else ""

    def has(self, lemma: str) -> bool:
        return lemma in self.lemmas


def _tokenize(text: str) -> list[_Token]:
    masked = _mask(text)
    breaks = _sentence_breaks(masked)
    raw: list[tuple[int, int, str, int]] = []
    sentence = 0
    for match in _WORD.finditer(masked):
        while sentence < len(breaks) and breaks[sentence] <= match.start():
            sentence += 1
        raw.append((match.start(), match.end(), match.group(0), sentence))
    analysed = [_parses(_norm(word)) if _RUSSIAN.fullmatch(word) else () for *_, word, _n in raw]
    plausible = [_plausible(parses) for parses in analysed]
    tokens = []
    for index, (start, end, word, number) in enumerate(raw):
        following: tuple[_Parse, ...] = ()
        if index + 1 < len(raw) and raw[index + 1][3] == number:
            following = plausible[index + 1]
        parses = analysed[index]
        lemmas = _lemmas(parses, following) if parses else frozenset({_norm(word)})
        tokens.append(_Token(start, end, word, _norm(word), number, plausible[index], lemmas))
    return tokens


# --- phrase lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    lemmas: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    gap: bool = False

    def matches(self, token: _Token) -> bool:
        return token.norm in self.forms or not self.lemmas.isdisjoint(token.lemmas)


@dataclass(frozen=True)
class _Entry:
    category: str
    slots: tuple[_Slot, ...]
    suggestion: str


def _compile_phrase(phrase: str) -> list[tuple[_Slot, ...]]:
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
                    lemmas.add(_lemma(option))
            if lemmas or forms:
                slots.append(_Slot(frozenset(lemmas), frozenset(forms)))
        while slots and slots[-1].gap:
            slots.pop()
        if slots:
            alternatives.append(tuple(slots))
    return alternatives


def _compile_entries(category: str, raw: Sequence[Mapping[str, str] | str]) -> list[_Entry]:
    """Compile list entries; a bare string is a phrase without a suggestion of its own."""
    entries = []
    for item in raw:
        if isinstance(item, str):
            phrase, suggestion = item, ""
        else:
            phrase, suggestion = str(item.get("phrase") or ""), str(item.get("suggestion") or "")
        for slots in _compile_phrase(phrase):
            entries.append(_Entry(category, slots, suggestion))
    return entries


def _load(name: str) -> Any:
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@dataclass(frozen=True)
class _Lists:
    entries: tuple[_Entry, ...]
    participles: frozenset[str]
    reflexive: frozenset[str]
    chain_suffixes: tuple[str, ...]
    not_verbal: frozenset[str]
    verbal: frozenset[str]
    chain_prepositions: frozenset[str]
    abbreviations: frozenset[str]


@cache
def _lists() -> _Lists:
    """The built-in lists, read and compiled once."""
    entries: list[_Entry] = []
    for category in (FORMULA, BUREAUCRATIC, CLICHE):
        entries += _compile_entries(category, _load(f"{category}.yml"))
    passive = _load("passive.yml")
    entries += _compile_entries(PASSIVE, passive["phrases"])
    chain = _load("noun_chain.yml")
    return _Lists(
        entries=tuple(entries),
        participles=frozenset(_norm(w) for w in passive["participles"]),
        reflexive=frozenset(_norm(w) for w in passive["reflexive"]),
        chain_suffixes=tuple(chain["suffixes"]),
        not_verbal=frozenset(_norm(w) for w in chain["not_verbal"]),
        verbal=frozenset(_norm(w) for w in chain["verbal"]),
        chain_prepositions=frozenset(_norm(w) for w in chain["prepositions"]),
        abbreviations=frozenset(_norm(w) for w in _load("abbreviations.yml")),
    )


class _Index:
    """Phrase entries by what their first word can be, for a quick scan."""

    def __init__(self, entries: Sequence[_Entry]) -> None:
        self.by_key: dict[str, list[_Entry]] = {}
        for entry in entries:
            first = entry.slots[0]
            for key in first.lemmas | first.forms:
                self.by_key.setdefault(key, []).append(entry)

    def candidates(self, token: _Token) -> list[_Entry]:
        found: dict[int, _Entry] = {}
        for key in (token.norm, *token.lemmas):
            for entry in self.by_key.get(key, ()):
                found[id(entry)] = entry
        return list(found.values())


def _match(slots: tuple[_Slot, ...], tokens: list[_Token], index: int) -> list[int] | None:
    """Token indices matched by ``slots`` starting at ``tokens[index]`` (gaps excluded)."""
    slot, rest = slots[0], slots[1:]
    if index >= len(tokens):
        return None
    if slot.gap:
        sentence = tokens[index - 1].sentence
        for skip in range(MAX_GAP + 1):
            at = index + skip
            if at >= len(tokens) or tokens[at].sentence != sentence:
                break
            found = _match(rest, tokens, at)
            if found is not None:
                return found
        return None
    token = tokens[index]
    if not slot.matches(token):
        return None
    if not rest:
        return [index]
    if not rest[0].gap and (
        index + 1 >= len(tokens) or tokens[index + 1].sentence != token.sentence
    ):
        return None
    found = _match(rest, tokens, index + 1)
    return None if found is None else [index, *found]


# --- the finders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    category: str
    suggestion: str
    core: tuple[int, ...]  # token indices that the ignore list is compared with


def _phrase_hits(tokens: list[_Token], index: _Index) -> Iterator[_Hit]:
    for at, token in enumerate(tokens):
        for entry in index.candidates(token):
            found = _match(entry.slots, tokens, at)
            if found:
                start, end = tokens[found[0]].start, tokens[found[-1]].end
                yield _Hit(start, end, entry.category, entry.suggestion, tuple(found))


def _passive_hits(tokens: list[_Token], lists: _Lists) -> Iterator[_Hit]:
    for at, token in enumerate(tokens):
        top = token.top
        if top is None:
            continue
        # «проведено»; also «усилен», which pymorphy3 reads first as a short adjective
        report = any(
            p.pos == "PRTS"
            and p.lemma in lists.participles
            and (p is top or (top.pos == "ADJS" and p.score >= MIN_SCORE))
            for p in token.parses
        )
        if report or top.pos == "PRTS":
            neighbours = [
                i
                for i in (at - 2, at - 1, at + 1)
                if 0 <= i < len(tokens)
                and tokens[i].sentence == token.sentence
                and tokens[i].has("быть")
                and tokens[i].pos == "VERB"
            ]
            if report or neighbours:
                first = min([at, *neighbours])
                last = max([at, *neighbours])
                yield _Hit(tokens[first].start, tokens[last].end, PASSIVE, "", (at,))
        elif (
            top.pos == "VERB"
            and top.lemma.endswith(("ся", "сь"))
            and top.lemma[:-2] in lists.reflexive
            and not {"1per", "2per", "impr"} & top.grammemes
        ):
            yield _Hit(token.start, token.end, PASSIVE, "", (at,))


_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"})


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    return left.sentence == right.sentence and not text[left.end : right.start].strip()


def _is_noun(token: _Token) -> bool:
    return token.pos == "NOUN"


def _is_verbal(token: _Token, lists: _Lists) -> bool:
    top = token.top
    if top is None or top.pos != "NOUN" or _NAME_TAGS & top.grammemes:
        return False
    lemma = top.lemma
    if lemma in lists.verbal:
        return True
    return lemma.endswith(lists.chain_suffixes) and lemma not in lists.not_verbal


def _chain_hits(text: str, tokens: list[_Token], lists: _Lists) -> Iterator[_Hit]:
    at = 0
    while at < len(tokens):
        if not _is_noun(tokens[at]):
            at += 1
            continue
        nouns = [at]
        while True:
            last = nouns[-1]
            step = last + 1
            preposition = False
            if (
                step < len(tokens)
                and tokens[step].norm in lists.chain_prepositions
                and _adjacent(text, tokens[step - 1], tokens[step])
            ):
                preposition = True
                step += 1
            while (
                step < len(tokens)
                and tokens[step].pos in _ADJECTIVAL
                and _adjacent(text, tokens[step - 1], tokens[step])
            ):
                step += 1
            if (
                step < len(tokens)
                and _adjacent(text, tokens[step - 1], tokens[step])
                and _is_noun(tokens[step])
                and (
                    preposition
                    or any(
                        p.pos == "NOUN" and p.case in ("gent", "gen2") for p in tokens[step].parses
                    )
                )
            ):
                nouns.append(step)
                continue
            break
        at = nouns[-1] + 1
        while nouns and not _is_verbal(tokens[nouns[0]], lists):
            nouns.pop(0)  # the chain starts at its first verbal noun
        verbal = sum(1 for i in nouns if _is_verbal(tokens[i], lists))
        if (len(nouns) >= 3 and verbal >= 2) or verbal >= 3:
            head, tail = tokens[nouns[0]], tokens[nouns[-1]]
            yield _Hit(head.start, tail.end, NOUN_CHAIN, "", tuple(range(nouns[0], nouns[-1] + 1)))


def _long_sentences(tokens: list[_Token], limit: int) -> Iterator[tuple[_Hit, int]]:
    start = 0
    while start < len(tokens):
        end = start
        while end + 1 < len(tokens) and tokens[end + 1].sentence == tokens[start].sentence:
            end += 1
        count = end - start + 1
        if count > limit:
            hit = _Hit(tokens[start].start, tokens[end].end, LONG_SENTENCE, "", ())
            yield hit, count
        start = end + 1


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


def lint(text: str, rules: StyleRules | None = None) -> StyleReport:
    """Find press-release wording in ``text`` (plain text or Markdown) and score it."""
    rules = rules or StyleRules()
    lists = _lists()
    tokens = _tokenize(text)
    entries = list(lists.entries)
    for category, raw in rules.extra.items():
        entries += _compile_entries(category, raw)
    disabled = {item for item in rules.ignore if item in CATEGORY_LABELS}
    ignore = [
        tuple(_lemma(word) for word in item.split())
        for item in rules.ignore
        if item not in CATEGORY_LABELS and item.split()
    ]

    def allowed(hit: _Hit) -> bool:
        return hit.category not in disabled and not _ignored(hit, tokens, ignore)

    phrase_hits = [*_phrase_hits(tokens, _Index(entries)), *_passive_hits(tokens, lists)]
    hits = _without_overlaps([h for h in phrase_hits if allowed(h)])
    hits += [h for h in _chain_hits(text, tokens, lists) if allowed(h)]

    findings: list[Finding] = []
    for hit in hits:
        words = text[hit.start : hit.end]
        suggestion = hit.suggestion or _(_ADVICE.get(hit.category, _DEFAULT_ADVICE))
        findings.append(
            Finding(hit.start, hit.end, hit.category, _message(hit.category, words), suggestion)
        )
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
