"""Decide whether a comment breaks the rules: obscene, insult, spam, unlawful, custom.

The decree removes obscene language, insults, spam and unlawful content; legitimate criticism
of the administration, however sharp, is never removed, and a false removal is worse than a
missed one. So the detector says ``remove`` only when it is confident, ``review`` (a person
decides) when it is not, and ``keep`` otherwise.

How each category is found:

* obscene: roots (``data/moderation/obscene.txt``) matched from the start of a word, after its
  disguises are undone (:mod:`.normalize`), with every form of innocent look-alikes excepted;
  masked letters are filled from the obscene words' inflected forms. Obscene words quoted in a
  complaint about someone else's swearing go to review. Rude but not obscene words: review.
* insult: insulting words in every form (pymorphy3 lexemes), removed only when aimed at a
  person: the addressee ("ты дебил"), a person or an office ("мэр — идиот"), a name, a
  vocative; an insulting or animal word said of the people of an office ("бараны из ЖКХ",
  "дебилы в отделе"), put instead of a person ("скоты, а не чиновники") or doing what only
  people do ("курица в регистратуре перепутала запись"). Augmentatives the dictionary lacks
  or files as words of their own ("свинота", "идиотина") and one-letter misspellings of long
  insulting words count as the word. Criticism of work has no insulting word, so it is kept; a
  complaint about being called names, a quoted insult someone said, "нас держат за идиотов" or
  "депутаты не бараны" is not an insult.
* spam: weighted signals (links to unofficial sites, contacts with selling words, earnings,
  pay per day or per piece, investment, credit and "drop" offers, casino, paid services, the
  same text across posts or authors; money with an offering verb, "помогу закрыть кредиты",
  "оформи доплату"); two or more: remove, unless the comment warns about such offers (review).
* unlawful: threats and calls for violence (a violent verb in the first person, an order or
  "надо" with a person as object; a threatening phrase wished with "бы" goes to review), drug
  selling and recruiting, forged documents (what only a forger offers, or a document made in a
  day with a contact; a question about a document is no offer), letters spread apart read
  joined too; a warning about dealers or forgers quotes them: kept.
* the repository's extra words and patterns per category (``moderation.yml``).

After the rules, a small learned model (:mod:`.model`) is asked about what they kept (what they
sent to review stays with a person): when its likeliest removable class reaches that class's
threshold in the file (chosen out of fold so that what the model adds in that class is right
at least 99 times in 100), the comment is removed with that class and the rule
``model:<class>``.
``Detector(rules, model=False)`` is the rules alone.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from publisher.core.errors import ConfigError
from publisher.core.i18n import _
from publisher.core.resources import DATA_DIR
from publisher.moderation.model import Model, default_model
from publisher.moderation.morphology import inflect, is_name, known, morph
from publisher.moderation.morphology import lemma as lemma_of  # "lemma" names fields here
from publisher.moderation.normalize import (
    Text,
    Word,
    analyse,
    fold,
    has_landline,
    has_mobile,
    has_phone,
    read_digits,
)
from publisher.moderation.rules import CATEGORIES, RULES_FILE, Rules

Verdict = Literal["remove", "keep", "review"]
DATA = DATA_DIR / "moderation"
#: the first of a comment's categories decides the action, so the gravest comes first
SEVERITY = ("unlawful", "obscene", "insult", "spam", "custom")
#: texts shorter than this are not compared across comments ("Спасибо!" is no spam)
REPEAT_MIN_CHARS = 15
REPEAT_MIN_WORDS = 3
#: "the same long text from several authors"
LONG_TEXT_CHARS = 40
LONG_TEXT_WORDS = 6
REPEAT_POSTS = 3
REPEAT_AUTHORS = 3
SPAM_REMOVE = 2.0
#: spam signals that count only beside another one: "лагерь стоит 2000 в день", "дёшево в этом
#: году", "подработка для школьников будет?" are no offer
SUPPORTING = frozenset(
    {"pay", "income", "handle", "plus", "hiring", "service", "offer", "cheap", "earnings_hint"}
    | {"occult_hint", "adult_word"}
)
#: spam signals that a question asks about rather than offers: "где купить недорого?"
ASKED = frozenset({"cheap"})
#: letters spread apart are joined back for the drug and document patterns from this length
SPREAD_MIN = 5
#: an animal word this close to "в/из/с" and an office is said of officials
OFFICE_NEAR = 5
#: "глава района обезьяна": a person, a territory, and the word
TERRITORIES = frozenset(
    {"района", "города", "поселения", "станицы", "округа", "области", "края", "села", "хутора"}
)
#: a verb of what only people do this close after an animal word makes it said of a person
ACT_NEAR = 6
#: "сами виноваты, как дураки": the emphatic pronoun, unlike "ты", names no addressee
EMPHATIC = frozenset({"сам", "сама", "сами", "само"})
#: "глава наш козёл": a person, one of these, and the word
POSSESSIVES = frozenset({"наш", "наша", "наши", "ваш", "ваша", "ваши", "этот", "эта", "эти"})
#: "ослина", "свинота": suffixes that make an augmentative or a pejorative of a noun, then an ending
_AUGMENTATIVE = re.compile(r"(?:ин|ищ|от|юг|уг|юк|ук)(?:а|ы|и|е|у|ой|ою|ам|ами|ах|ей|ем|о)?")
#: a derived word's endings of the nominative (singular or plural)
_NOMINATIVE_ENDINGS = ("а", "ы", "и", "е", "о")
#: the levels whose nouns make augmentatives
DERIVING = frozenset({"strong", "weak", "deed", "animal"})
#: words at least this long that the dictionary does not know are matched with one letter off
TYPO_MIN = 7
#: longer comments are judged by their beginning (networks cap comments at a few thousand)
MAX_TEXT = 10_000

#: the signals of a firm's own advert, beside which a landline is the firm's number too
AD_WORDS = frozenset({"selling", "service", "promo", "cheap", "listing"})
#: what an ad says to its reader, the one verb a list may have ("..., звоните 8-918-...")
_AD_VERBS = frozenset(
    {"звоните", "звони", "звонить", "пишите", "пиши", "обращайтесь", "заказывайте"}
)
_ONESELF = frozenset({"мой", "моя", "мое", "мне", "меня", "я"})
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://)([^\s/:?#]+)", re.IGNORECASE)
_REPEAT_KEY = re.compile(r"[^\w]+")
_WISH = re.compile(r"\bбы\b")
#: the victims an infinitive opening a call names next: "Расстрелять всех", "Повесить их"
_WHOM = frozenset({"всех", "их", "его", "ее", "этих", "этого", "эту", "весь", "всю"})
_SENTENCE_STOP = re.compile(r"[.!?]")
_NOT_LETTER = re.compile(r"[^а-я]")
_ACRONYM = re.compile(r"[А-ЯЁ]{2,6}(?:[а-я]{1,3})?")
_PREPOSITIONS = frozenset({"в", "во", "на", "у", "с", "со", "из", "к", "по", "о", "об", "за", "от"})
#: "самих бы туда же": paid back in kind
_THEMSELVES = frozenset({"самих", "самого", "саму", "сами", "сам", "сама"})
#: "тот, кто": the one who did it, whoever it was
_SOME = frozenset({"какой", "какая", "какие", "какого", "каким"})
_THOSE = frozenset({"тот", "та", "те", "того", "тех", "тому", "тем"})


@dataclass(frozen=True)
class Decision:
    """The detector's answer for one comment."""

    verdict: Verdict
    categories: tuple[str, ...] = ()
    rule: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "categories": list(self.categories), "rule": self.rule}


@dataclass
class Context:
    """What the detector remembers across comments of one sweep (repeated texts = spam).

    ``seen`` maps a text (folded, punctuation dropped) to the ``author<TAB>post`` pairs it came
    from. Set ``post`` to the id of the post before classifying its comments; without it every
    comment counts as under a post of its own.
    """

    seen: dict[str, set[str]] = field(default_factory=dict)
    post: str = ""
    count: int = 0

    def remember(self, text: str, author: str) -> str:
        """Record a comment; return "author" or "authors" when its text repeats, else ""."""
        key = _REPEAT_KEY.sub(" ", fold(text)).strip()
        words = len(key.split())
        if len(key) < REPEAT_MIN_CHARS or words < REPEAT_MIN_WORDS:
            return ""
        self.count += 1
        pairs = self.seen.setdefault(key, set())
        pairs.add(f"{author}\t{self.post or f'#{self.count}'}")
        by = [pair.split("\t", 1) for pair in pairs]
        if author and len({post for who, post in by if who == author}) >= REPEAT_POSTS:
            return "author"
        long = len(key) >= LONG_TEXT_CHARS and words >= LONG_TEXT_WORDS
        if long and len({who for who, _post in by if who}) >= REPEAT_AUTHORS:
            return "authors"
        return ""


@dataclass(frozen=True)
class Finding:
    """One rule that fired."""

    category: str
    verdict: Literal["remove", "review"]
    rule: str


def _nominative(tag: Any) -> bool:
    return tag is None or "nomn" in tag or "voct" in tag or tag.case is None


def _neuter_singular(tag: Any) -> bool:
    return tag is not None and "neut" in tag and "sing" in tag


# --- data -------------------------------------------------------------------------------------


def table(name: str) -> list[list[str]]:
    """A data file's rows: tab-separated cells; blank lines and '#' comments skipped."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            rows.append([cell.strip() for cell in line.split("\t") if cell.strip()])
    return rows


@dataclass(frozen=True)
class Insult:
    """An insulting word form."""

    lemma: str
    level: str
    nominative: bool
    #: the form more likely stands for another word ("сук" = branches, "осел" = settled)
    ambiguous: bool = False


@dataclass(frozen=True)
class Violent:
    """A form of a violent verb: its lemma, grammatical kinds, and whether it needs an object."""

    lemma: str
    kinds: frozenset[str]
    needs_object: bool


@dataclass(frozen=True)
class Lexicon:
    """Everything read from ``data/moderation``, with words expanded to all their forms."""

    roots: tuple[tuple[str, re.Pattern[str]], ...]
    #: roots that count only when the writer masked letters of the word
    masked_roots: tuple[tuple[str, re.Pattern[str]], ...]
    obscene_forms: tuple[str, ...]
    exceptions: frozenset[str]
    insults: Mapping[str, Insult]
    #: the stems of insulting nouns ("свин", "идиот") with the insult they carry
    insult_stems: Mapping[str, Insult]
    #: an insulting word of at least TYPO_MIN letters with one letter dropped -> the word
    insult_typos: Mapping[str, str]
    insult_phrases: tuple[re.Pattern[str], ...]
    insult_exceptions: tuple[re.Pattern[str], ...]
    words: Mapping[str, frozenset[str]]
    nominative: frozenset[str]
    objects: frozenset[str]
    violent: Mapping[str, Violent]
    #: each kind's rows as one pattern: a comment is searched once per kind, not once per row
    patterns: Mapping[str, re.Pattern[str]]
    spam: tuple[tuple[str, float, re.Pattern[str]], ...]
    bare_domain: re.Pattern[str]
    official: tuple[str, ...]
    #: lemmas of verbs that offer something ("помогу", "оформи"), with money words: spam
    offers: frozenset[str]
    money: re.Pattern[str]
    #: the writer seeks work: spam at most for review
    seeking: re.Pattern[str]

    def has(self, kind: str, word: Word) -> bool:
        return word.plain in self.words.get(kind, frozenset())


@functools.cache
def lexicon() -> Lexicon:
    """The data, loaded once per process."""
    obscene = table("obscene.txt")
    roots = _roots(obscene)
    words, nominative, objects = _targets(table("targets.txt"))
    insults = table("insults.txt")
    spam_rows = table("spam.txt")
    tlds = next(row[1] for row in spam_rows if row[0] == "tld")
    insult_forms = _insults([row for row in insults if row[0] not in ("phrase", "except")], obscene)
    return Lexicon(
        roots=roots,
        masked_roots=tuple((row[1], re.compile(row[2])) for row in obscene if row[0] == "masked"),
        obscene_forms=tuple(
            sorted({form for row in obscene if row[0] == "word" for form, _tag in inflect(row[1])})
        ),
        exceptions=frozenset(
            form for row in table("obscene_exceptions.txt") for form, _tag in inflect(row[0])
        ),
        insults=insult_forms,
        insult_stems=_stems(insult_forms),
        insult_typos=_typos(insult_forms),
        insult_phrases=tuple(re.compile(row[1]) for row in insults if row[0] == "phrase"),
        insult_exceptions=tuple(re.compile(row[1]) for row in insults if row[0] == "except"),
        words=words,
        nominative=nominative,
        objects=objects,
        violent=_violent(table("unlawful.txt")),
        patterns=_patterns(table("unlawful.txt")),
        spam=tuple(
            (row[0], float(row[1]), re.compile(row[2]))
            for row in spam_rows
            if row[0] not in ("tld", "offer", "money", "seeking")
        ),
        bare_domain=re.compile(
            rf"(?<![\w.@-])((?:[a-z0-9а-я-]+\.)+(?:{tlds}))(?![\w-])", re.IGNORECASE
        ),
        official=_official(table("official_domains.txt")),
        offers=frozenset(fold(row[1]) for row in spam_rows if row[0] == "offer"),
        money=re.compile(next(row[1] for row in spam_rows if row[0] == "money")),
        seeking=re.compile("|".join(row[1] for row in spam_rows if row[0] == "seeking")),
    )


def _roots(rows: list[list[str]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    prefixes: dict[str, list[str]] = {}
    for row in rows:
        if row[0] == "prefix":
            prefixes.setdefault(row[1], []).append(row[2])
    groups = {name: f"(?:{'|'.join(values)})?" for name, values in prefixes.items()}
    return tuple(
        (row[1], re.compile(re.sub(r"\{(\w+)\}", lambda m: groups[m.group(1)], row[2])))
        for row in rows
        if row[0] == "root"
    )


def _insults(rows: list[list[str]], obscene: list[list[str]]) -> dict[str, Insult]:
    entries = [(row[0], row[1]) for row in rows] + [
        ("vulgar", row[1]) for row in obscene if row[0] == "vulgar"
    ]
    found: dict[str, Insult] = {}
    for level, lemma in entries:
        for form, tag in inflect(lemma):
            old = found.get(form)
            nominative = _nominative(tag) or (old is not None and old.nominative)
            if old is None or old.lemma == fold(lemma):
                ambiguous = level in ("animal", "vulgar") and _ambiguous(form, fold(lemma))
                found[form] = Insult(fold(lemma), level, nominative, ambiguous)
    return found


def _stems(insults: Mapping[str, Insult]) -> dict[str, Insult]:
    """Each insulting noun's forms without their ending ("свинья" -> "свин", "козла" -> "козл"),
    at least three letters long: an augmentative is the stem and a suffix."""
    stems: dict[str, Insult] = {}
    for form, insult in insults.items():
        stem = form.rstrip("аеиоуыэюяьй")
        if insult.level in DERIVING and len(stem) >= 3 and not insult.ambiguous:
            stems.setdefault(stem, insult)
    return stems


def _typos(insults: Mapping[str, Insult]) -> dict[str, str]:
    """Every insulting word of at least TYPO_MIN letters with one letter dropped; a spelling
    two different words share is left out."""
    found: dict[str, str] = {}
    shared: set[str] = set()
    for form, insult in insults.items():
        if len(form) < TYPO_MIN or insult.ambiguous:
            continue
        for short in _deletions(form):
            old = found.get(short)
            if old is not None and insults[old].lemma != insult.lemma:
                shared.add(short)
            found.setdefault(short, form)
    return {k: v for k, v in found.items() if k not in shared}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _ambiguous(form: str, lemma: str) -> bool:
    """Whether the dictionary finds ``form`` at least as likely a form of another word."""
    own = other = 0.0
    for parse in morph().parse(form):
        if fold(parse.normal_form) == lemma:
            own += parse.score
        else:
            other += parse.score
    return other >= own


def _targets(
    rows: list[list[str]],
) -> tuple[dict[str, frozenset[str]], frozenset[str], frozenset[str]]:
    words: dict[str, set[str]] = {}
    nominative: set[str] = set()
    objects: set[str] = set()
    for kind, lemma in ((row[0], row[1]) for row in rows):
        forms = [(fold(lemma), None)] if kind == "object" else inflect(lemma)
        for form, tag in forms:
            if kind in ("third", "this") and _neuter_singular(tag):
                continue
            words.setdefault(kind, set()).add(form)
            if kind == "self" and tag is not None and "nomn" in tag:
                words.setdefault("self_subject", set()).add(form)
            if kind in ("person", "second", "third") and _nominative(tag):
                nominative.add(form)
            if kind == "object" or (
                kind in ("person", "second", "third") and tag is not None and not _nominative(tag)
            ):
                objects.add(form)
    return {k: frozenset(v) for k, v in words.items()}, frozenset(nominative), frozenset(objects)


def _violent(rows: list[list[str]]) -> dict[str, Violent]:
    found: dict[str, Violent] = {}
    for kind, lemma in ((row[0], row[1]) for row in rows if row[0].startswith("violent")):
        for form, tag in inflect(lemma):
            kinds = _verb_kinds(tag)
            old = found.get(form)
            if old is not None:
                kinds |= old.kinds
            found[form] = Violent(fold(lemma), frozenset(kinds), kind == "violent_obj")
    return found


def _verb_kinds(tag: Any) -> set[str]:
    if tag is None:
        return set()
    if "INFN" in tag:
        return {"infinitive"}
    if "impr" in tag:
        return {"order"}
    if "1per" in tag and ("futr" in tag or "pres" in tag):
        return {"first"}
    return {"past"} if "past" in tag else set()


def _patterns(rows: list[list[str]]) -> dict[str, re.Pattern[str]]:
    """Each kind's rows joined into one alternation: one search a kind instead of one a row
    (threats are 61 rows; measured over the tuning parts, 1.35 -> 1.30 ms a comment)."""
    found: dict[str, list[str]] = {}
    for row in rows:
        if not row[0].startswith("violent"):
            found.setdefault(row[0], []).append(f"(?:{row[1]})")
    return {kind: re.compile("|".join(values)) for kind, values in found.items()}


def _search(lex: Lexicon, kind: str, text: str) -> bool:
    """Whether any row of ``kind`` in unlawful.txt matches ``text``."""
    pattern = lex.patterns.get(kind)
    return pattern is not None and pattern.search(text) is not None


def _official(rows: list[list[str]]) -> tuple[str, ...]:
    domains = {fold(row[0]) for row in rows}
    return tuple(sorted(domains | {d.encode("idna").decode("ascii") for d in domains}))


# --- the detector -----------------------------------------------------------------------------


class Detector:
    """Classifies comments with the built-in lists and the repository's extra words."""

    def __init__(self, rules: Rules, model: Model | bool = True) -> None:
        """``model``: the learned model the rules consult (True: the shipped one, False: the
        rules alone)."""
        self.rules = rules
        self.lexicon = lexicon()
        self.model: Model | None = model if isinstance(model, Model) else None
        if model is True:
            self.model = default_model()
        self.extra_words = {c: _extra_words(rules.rule(c).words) for c in CATEGORIES}
        self.extra_patterns = {c: _extra_patterns(c, rules.rule(c).patterns) for c in CATEGORIES}

    def classify(self, text: str, author: str = "", context: Context | None = None) -> Decision:
        """Decide on one comment; ``context`` carries what one sweep has already seen."""
        lex = self.lexicon
        text = text[:MAX_TEXT]
        words = analyse(text, known)
        repeated = context.remember(text, author) if context is not None else ""
        findings = [
            *obscene_findings(words, lex),
            *insult_findings(words, lex),
            *spam_findings(text, words, lex, repeated),
            *unlawful_findings(text, words, lex),
            *self._extras(text, words),
        ]
        decision = decide(findings)
        if decision.verdict == "keep" and self.model is not None:
            removal = self.model.removal(text, words)
            if removal is not None:
                return Decision("remove", (removal[0],), f"model:{removal[0]}")
        return decision

    def _extras(self, text: str, words: Text) -> Iterable[Finding]:
        haystacks = (fold(text), words.plain)
        for category in CATEGORIES:
            forms, prefixes = self.extra_words[category]
            for word in [*words.words, *words.joined] if forms or prefixes else []:
                hit = _extra_hit(word, forms, prefixes)
                if hit:
                    yield Finding(category, "remove", f"{category}:word:{hit}")
                    break
            for source, pattern in self.extra_patterns[category]:
                if any(pattern.search(h) for h in haystacks):
                    yield Finding(category, "remove", f"{category}:pattern:{source}")
                    break


def decide(findings: list[Finding]) -> Decision:
    """The gravest verdict; its categories by severity, the rule of the first."""
    for verdict in ("remove", "review"):
        chosen = sorted(
            (f for f in findings if f.verdict == verdict),
            key=lambda f: SEVERITY.index(f.category),
        )
        if chosen:
            categories = tuple(dict.fromkeys(f.category for f in chosen))
            return Decision(verdict, categories, chosen[0].rule)
    return Decision("keep")


def _extra_words(words: Iterable[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    forms: set[str] = set()
    prefixes: list[str] = []
    for word in words:
        folded = fold(word.strip())
        if folded.endswith("*") and len(folded) > 1:
            prefixes.append(folded.rstrip("*"))
        elif folded:
            forms.update(form for form, _tag in inflect(folded))
    return frozenset(forms), tuple(prefixes)


def _extra_patterns(category: str, patterns: Iterable[str]) -> list[tuple[str, re.Pattern[str]]]:
    compiled = []
    for source in patterns:
        try:
            compiled.append((source, re.compile(source, re.IGNORECASE)))
        except re.error as error:
            raise ConfigError(
                _(
                    "{file}: {error}",
                    file=RULES_FILE,
                    error=": ".join((category, source, str(error))),
                ),
                _("Compare it with the example in the README."),
            ) from None
    return compiled


def _extra_hit(word: Word, forms: frozenset[str], prefixes: tuple[str, ...]) -> str:
    for form in word.forms:
        if form in forms:
            return form
        prefix = next((p for p in prefixes if form.startswith(p)), None)
        if prefix is not None:
            return prefix + "*"
    return ""


def sentences(words: list[Word]) -> list[list[Word]]:
    """Words grouped by sentence."""
    groups: dict[int, list[Word]] = {}
    for word in words:
        groups.setdefault(word.sentence, []).append(word)
    return list(groups.values())


# --- obscene ----------------------------------------------------------------------------------


def obscene_root(word: Word, lex: Lexicon) -> str:
    """The obscene root ``word`` carries in any of its spellings, or ""."""
    if word.plain in lex.exceptions or fold(word.raw) in lex.exceptions:
        return ""
    for form in word.forms:
        root = _root_of(form, lex)
        if root:
            return root
    if word.mask is not None:
        mask = word.mask
        filled = next((f for f in lex.obscene_forms if mask.fullmatch(f)), "")
        return (_root_of(filled, lex) or _masked_root(filled, lex)) if filled else ""
    return ""


def _masked_root(form: str, lex: Lexicon) -> str:
    return next((root for root, pattern in lex.masked_roots if pattern.match(form)), "")


def _root_of(form: str, lex: Lexicon) -> str:
    if form in lex.exceptions:
        return ""
    return next((root for root, pattern in lex.roots if pattern.match(form)), "")


def obscene_findings(words: Text, lex: Lexicon) -> Iterable[Finding]:
    """Obscene roots; quoted in a complaint about others' swearing or words: review."""
    swearing = {s[0].sentence for s in sentences(words.words) if _mentions(s, "swearing", lex)}
    cursing = {s[0].sentence for s in sentences(words.words) if _mentions(s, "cursing", lex)}
    said = {s[0].sentence for s in sentences(words.words) if _mentions(s, "say", lex)}
    # "нарисовали х*й на гараже": the word drawn, right after the verb, is what was drawn
    drawn = {id(w) for v, w in itertools.pairwise(words.words) if lex.has("say", v) and w.mask}
    for word in [*words.words, *words.joined]:
        root = obscene_root(word, lex)
        if not root:
            continue
        shown = word.quoted or id(word) in drawn
        quoted = shown and (word.sentence in swearing or word.sentence in said)
        if quoted or (word.mask is not None and word.sentence in cursing):
            yield Finding("obscene", "review", f"obscene:quoted:{root}")
        else:
            yield Finding("obscene", "remove", f"obscene:root:{root}")


def _mentions(sentence: list[Word], kind: str, lex: Lexicon) -> bool:
    return any(lex.has(kind, word) for word in sentence)


# --- insults ----------------------------------------------------------------------------------


def insult_of(word: Word, lex: Lexicon) -> Insult | None:
    """The insulting word ``word`` is, in any spelling or with masked letters filled."""
    for form in word.forms:
        if form in lex.insults:
            return lex.insults[form]
    if word.mask is not None:
        mask = word.mask
        return next((v for k, v in lex.insults.items() if mask.fullmatch(k)), None)
    return insult_variant(word.plain)


@functools.lru_cache(maxsize=50_000)
def insult_variant(plain: str) -> Insult | None:
    """An insulting noun's augmentative ("свинота", "тварюги", "идиотина": a person, not
    "баранина", which is meat) or a long insulting word misspelt by one letter ("придурошный")
    that the dictionary does not know."""
    if len(plain) < 5:
        return None
    parse = morph().parse(plain)[0]
    if not known(plain) or ({"NOUN", "anim"} <= parse.tag.grammemes):
        derived = _derived(plain, lexicon())
        if derived is not None:
            return derived
    if len(plain) < TYPO_MIN or known(plain):
        return None
    return _misspelt(plain, lexicon())


def _derived(plain: str, lex: Lexicon) -> Insult | None:
    for cut in range(len(plain) - 2, 2, -1):
        base = lex.insult_stems.get(plain[:cut])
        if base is not None and _AUGMENTATIVE.fullmatch(plain[cut:]):
            nominative = plain.endswith(_NOMINATIVE_ENDINGS)
            return Insult(base.lemma, base.level, nominative)
    return None


def _misspelt(plain: str, lex: Lexicon) -> Insult | None:
    """One letter missing, one extra, or one changed."""
    form = lex.insult_typos.get(plain)
    for short in _deletions(plain) if form is None else ():
        if len(short) >= TYPO_MIN - 1 and short in lex.insults:
            form = short
        form = form or lex.insult_typos.get(short)
        if form:
            break
    return lex.insults[form] if form else None


def insult_findings(words: Text, lex: Lexicon) -> Iterable[Finding]:
    """Insulting words judged by whom they are aimed at; insulting phrases."""
    addressed = any(lex.has("second", w) for w in words.words)
    for sentence in sentences(words.words):
        if _other_sense(sentence, lex):
            continue
        for index, word in enumerate(sentence):
            insult = None if _proper_name(sentence, index) else insult_of(word, lex)
            if insult is not None:
                reported = _mentions(sentence[:index], "report", lex) or (
                    word.quoted and _mentions(sentence[:index], "say", lex)
                )
                place = Place(sentence, index, addressed, lex)
                finding = judge_insult(place, insult, reported)
                if finding is not None:
                    yield finding
    if any(p.search(words.plain) for p in lex.insult_phrases):
        yield Finding(
            "insult", "review" if _quoted_speech(words, lex) else "remove", "insult:phrase"
        )


def _quoted_speech(words: Text, lex: Lexicon) -> bool:
    """Someone's words in quotes after a verb of speech: "он сказал: «да пошли вы...»"."""
    return any(
        any(w.quoted for w in s) and _mentions(s, "say", lex) for s in sentences(words.words)
    )


def _other_sense(sentence: list[Word], lex: Lexicon) -> bool:
    """Whether the insulting word means something else here: "синдром Дауна", "морские гады"."""
    text = " ".join(w.plain for w in sentence)
    return any(p.search(text) for p in lex.insult_exceptions)


def _proper_name(sentence: list[Word], index: int) -> bool:
    """A capitalised word inside a sentence is a name ("Козлов", "Баранова"), not an insult;
    the second half of "Чиновники-крысы" shares its capital with the first, so is none."""
    word = sentence[index]
    first_piece = index == 0 or sentence[index - 1].chunk != word.chunk
    return index > 0 and first_piece and word.raw[:1].isupper() and not word.raw.isupper()


@dataclass(frozen=True)
class Place:
    """A word in its sentence; ``addressed``: the comment speaks to someone ("ты", "вы")."""

    sentence: list[Word]
    index: int
    addressed: bool
    lex: Lexicon

    def near(self, before: int, after: int = 0) -> list[tuple[int, Word]]:
        low, high = max(0, self.index - before), min(len(self.sentence), self.index + after + 1)
        return [(i, self.sentence[i]) for i in range(low, high) if i != self.index]

    def has(self, kind: str, word: Word) -> bool:
        return self.lex.has(kind, word)

    def mentions(self, kind: str) -> bool:
        return _mentions(self.sentence, kind, self.lex)

    def name(self, i: int) -> bool:
        return _name(self.sentence, i)


def judge_insult(place: Place, insult: Insult, reported: bool) -> Finding | None:
    """Remove, review or keep one insulting word in its sentence."""
    level, lemma = insult.level, insult.lemma
    if level == "slur":
        return Finding("insult", "review" if reported else "remove", f"insult:slur:{lemma}")
    if reported or _not_aimed_away(place):
        return None
    if level == "adj":
        alone = _plural(place) and _stands_alone(place)  # "долбанутые в отделе"
        called = place.addressed and _vocative(place)  # "вы там мозги имеете, безмозглые?"
        aimed = _beside_person(place) or _predicate(place) or called
        aimed = aimed or (alone and _of_office(place))
        return _person_finding(lemma) if aimed else None
    if level != "vulgar" and (_of_group(place) or _beside_office_adjective(place)):
        return _person_finding(lemma)
    if level in ("animal", "vulgar"):
        return _ordinary_word(place, insult)
    if level == "strong":
        aimed = _aimed(place) or _of_office(place) or _contrasted(place) or _doing(place)
        aimed = aimed or _of_agency(place)
        aimed = aimed or _predicate(place)  # "Паромщик — хамло и дебил"
        aimed = aimed and not _generic(place)
        return _person_finding(lemma) if aimed else Finding("insult", "review", f"insult:{lemma}")
    aimed = place.addressed or _vocative(place) or _predicate(place) or _beside_person(place)
    return Finding("insult", "review", f"insult:weak:{lemma}") if aimed else None


def _doing(place: Place) -> bool:
    """Named as the people who do something: "ушлёпки на бмв паркуются на тротуаре",
    "быдлан за рулём газели снёс нашу остановку"; a subject with its verb in the same clause."""
    word = place.sentence[place.index]
    if not _subject(word):
        return False
    after = place.sentence[place.index + 1 : place.index + 1 + ACT_NEAR]
    return any(w.clause == word.clause and _finite_verb(w) for w in after)


def _subject(word: Word) -> bool:
    return any("nomn" in p.tag.grammemes for p in morph().parse(word.plain)[:2])


def _finite_verb(word: Word) -> bool:
    return bool(morph().parse(word.plain)[0].tag.POS == "VERB")


def _generic(place: Place) -> bool:
    """Said of nobody in particular: "какой идиот это придумал", "только полный идиот поверит",
    "кретин тот, кто это проектировал", "надо быть полным дураком, чтобы так строить", "кто
    проектировал этот спуск, тот явно дурачок"."""
    clause = place.sentence[place.index].clause
    sentence = place.sentence
    whoever = sentence[0].plain == "кто" and any(w.plain in _THOSE for _i, w in place.near(3))
    named = place.addressed or _predicate(place) or _people_named(place)
    return (
        whoever
        or (_some(place) and not named)
        or any(place.has("generic", w) for _i, w in place.near(2))
        or any(
            w.plain == "быть" and i > 0 and place.has("modal", sentence[i - 1])
            for i, w in place.near(2)
        )
        or any(
            w.plain in _THOSE
            and w.clause == clause
            and i + 1 < len(place.sentence)
            and place.sentence[i + 1].plain == "кто"
            for i, w in place.near(0, 3)
        )
    )


def _some(place: Place) -> bool:
    """ "Придурок какой-то поставил машину поперёк тротуара": somebody unknown."""
    near = place.near(2, 2)
    return any(
        w.plain in _SOME and j + 1 < len(place.sentence) and place.sentence[j + 1].plain == "то"
        for j, w in near
    )


def _of_group(place: Place) -> bool:
    """After a word for a crowd of people: "сборище тварей", "свора шакалов"."""
    return place.index > 0 and place.has("group", place.sentence[place.index - 1])


def _beside_office_adjective(place: Place) -> bool:
    """Next to an adjective of officialdom: "крысы чиновничьи", "кабинетные клопы"."""
    return any(place.has("office_adj", w) for _i, w in place.near(1, 1))


def _ordinary_word(place: Place, insult: Insult) -> Finding | None:
    """An animal or a rude word: an insult when aimed at someone nearby, else rude or nothing."""
    animal = insult.level == "animal"
    if animal and _beast_acts(place):
        return None  # "жирная крыса бегает возле хлебного ряда"
    if animal and _beside_insulting_adjective(place):
        return _person_finding(insult.lemma)  # "тупая курица", "бараны безрукие"
    if animal and place.sentence[place.index].mask is not None:
        return _person_finding(insult.lemma)  # "к*злы": nobody masks the name of a goat
    vocative = animal and place.addressed and (_vocative(place) or _vocative_phrase(place))
    if animal and (_joined_to_person(place) or _with_trait(place)):
        return _person_finding(insult.lemma)
    if insult.nominative and (vocative or _addressed_nearby(place) or _predicate(place)):
        return _person_finding(insult.lemma)
    if animal and _of_office(place) and (insult.nominative or _after_this(place)):
        return _person_finding(insult.lemma)  # "скажите этим баранам из управления"
    if animal and insult.nominative and (_contrasted(place) or _acts_as_person(place)):
        return _person_finding(insult.lemma)
    if insult.level == "vulgar" and not insult.ambiguous:
        return Finding("obscene", "review", f"obscene:vulgar:{insult.lemma}")
    return None


def _beast_acts(place: Place) -> bool:
    """The animal does what animals do (бегает, пищит, лает) in its clause, and no person or
    office is named in the sentence: it is the animal itself."""
    clause = place.sentence[place.index].clause
    acts = any(place.has("beast", w) and w.clause == clause for _i, w in place.near(0, ACT_NEAR))
    return acts and not _people_named(place)


def _of_office(place: Place) -> bool:
    """Said of officials: "бараны из ЖКХ", "в администрации старые ослы", "эти свиньи в своих
    кабинетах"; "козы у администрации" or "крыса в кабинете врача" are animals. "Из" and an
    office near the word; "в" or "с" and an office when the word is plural or "этот" stands
    before it; or "этот" before it and an office named in the sentence."""
    this = any(place.has("this", w) for _i, w in place.near(2))
    near = dict(place.near(OFFICE_NEAR, OFFICE_NEAR))
    for i, word in near.items():
        leads = word.plain == "из" or (word.plain in ("в", "с") and (this or _plural(place)))
        if leads and _office_after(place, near, i):
            return True
    return this and place.mentions("office")


def _after_this(place: Place) -> bool:
    return place.index > 0 and place.has("this", place.sentence[place.index - 1])


def _with_trait(place: Place) -> bool:
    """An animal word beside a human failing, in a sentence about people: "работники ДК
    ленивые свиньи", "кобыла крашеная в окошке МФЦ"; "старая корова у соседей" is a cow."""
    trait = any(place.has("trait", w) for _i, w in place.near(1, 1))
    return trait and (_people_named(place) or _vocative(place))


def _people_named(place: Place) -> bool:
    """A person or an office as a subject elsewhere in the sentence (not "у соседей")."""
    return any(
        i != place.index
        and (place.has("person", w) or place.has("office", w) or _someone(w) or place.name(i))
        and _nominative_form(w)
        for i, w in enumerate(place.sentence)
    )


def _nominative_form(word: Word) -> bool:
    return any("nomn" in p.tag for p in morph().parse(word.plain)[:2])


def _beside_insulting_adjective(place: Place) -> bool:
    """An insulting adjective right beside an animal word makes it a name for people."""
    return any(
        (found := insult_of(w, place.lex)) is not None and found.level == "adj"
        for _i, w in place.near(1, 1)
    )


def _joined_to_person(place: Place) -> bool:
    """Hyphened to a person, in any case: "депутатам-свиньям", "чиновники-крысы"."""
    word = place.sentence[place.index]
    return any(w.chunk == word.chunk and place.has("person", w) for _i, w in place.near(1, 1))


def _vocative_phrase(place: Place) -> bool:
    """Called names with a word after it: ", стадо баранов", ", свора шакалов"."""
    sentence, index = place.sentence, place.index
    if index + 1 >= len(sentence) or not (index == 0 or sentence[index - 1].pause):
        return False
    after = sentence[index + 1]
    return insult_of(after, place.lex) is not None and (after.pause or index + 2 == len(sentence))


def _contrasted(place: Place) -> bool:
    """Put instead of a person or an office: "Скоты, а не чиновники", "Курица, а не врач",
    "Шавки заводские, а не администрация", "Свинья в халате, а не медсестра" (up to two words
    may stand between)."""
    after = [w.plain for w in place.sentence[place.index + 1 : place.index + 7]]
    for start in (0, 1, 2):
        if after[start : start + 2] == ["а", "не"]:
            instead = place.sentence[place.index + start + 3 : place.index + start + 5]
            return any(place.has("person", w) or place.has("office", w) for w in instead)
    return False


def _acts_as_person(place: Place) -> bool:
    """The word is the subject of what only people do: "курица в регистратуре перепутала
    запись", "жаба в кассе нахамила"; "курица перебежала дорогу" is a bird."""
    after = place.sentence[place.index + 1 : place.index + 1 + ACT_NEAR]
    return any(place.has("act", w) for w in after)


def _office_after(place: Place, near: Mapping[int, Word], i: int) -> bool:
    """An office right after the preposition at ``i``, or after one pronoun or adjective."""
    first, second = near.get(i + 1), near.get(i + 2)
    if first is not None and _office_or_attire(place, first):
        return True
    return second is not None and _office_or_attire(place, second) and _modifier(first)


def _office_or_attire(place: Place, word: Word) -> bool:
    """An office, or what people wear to work ("макаки в касках", "шакалы в пиджаках")."""
    return place.has("office", word) or place.has("attire", word)


def _of_agency(place: Place) -> bool:
    """A strong word said of an agency named by its capital letters ("кретины в ГИМСе",
    "дебилы из РЖД"): two to six capitals, an ending allowed. Not for animal words: "коровы
    в КФХ" are a farm's cows."""
    near = dict(place.near(OFFICE_NEAR, OFFICE_NEAR))
    return any(
        word.plain in ("в", "из", "с")
        and (after := near.get(i + 1)) is not None
        and _ACRONYM.fullmatch(after.raw) is not None
        for i, word in near.items()
    )


def _modifier(word: Word | None) -> bool:
    return word is not None and morph().parse(word.plain)[0].tag.POS in ("ADJF", "NPRO", "PRTF")


def _stands_alone(place: Place) -> bool:
    """An adjective used as a noun: no noun follows it ("тупые ножницы в кабинете")."""
    index = place.index + 1
    if index >= len(place.sentence):
        return True
    return "NOUN" not in morph().parse(place.sentence[index].plain)[0].tag


def _plural(place: Place) -> bool:
    """Whether the word may be a plural: "овцы" is read as a genitive singular first."""
    word = place.sentence[place.index].plain
    parses = morph().parse(word)
    return "plur" in parses[0].tag or any({"plur", "nomn"} <= p.tag.grammemes for p in parses[:3])


def _person_finding(lemma: str) -> Finding:
    return Finding("insult", "remove", f"insult:person:{lemma}")


def _not_aimed_away(place: Place) -> bool:
    """Not an insult: "мы не дураки", "нас держат за идиотов", "стоим как дураки", "они не
    бараны"."""
    if any(place.has("self_subject", w) for _i, w in place.near(3)) or _of_oneself(place):
        return True
    if place.index and place.sentence[place.index - 1].plain == "не":
        return True  # "депутаты не бараны"
    near = place.near(2)
    if near and near[-1][1].plain == "за":
        return True
    if any(lemma_of(w.plain) == "считать" for _i, w in near):
        return True  # "жителей считают дураками": what they are taken for
    compared = any(place.has("compare", w) for _i, w in near)
    clause = place.sentence[place.index].clause
    return compared and not any(  # "стою как дура ..., воды нет с самого утра": not "сам"
        place.has("second", w) and w.plain not in EMPHATIC and w.clause == clause
        for w in place.sentence
    )


def _of_oneself(place: Place) -> bool:
    """The writer blames themself: "сама себя дурой чувствую", "сам дурак, что заплатил вперёд";
    "Сам дурак!" alone, or with "ты", answers someone."""
    sentence, index = place.sentence, place.index
    if any(w.plain == "себя" for _i, w in place.near(2)):
        return True
    if index == 0 or sentence[index - 1].plain not in ("сам", "сама"):
        return False
    word = sentence[index]
    goes_on = word.pause and index + 1 < len(sentence)
    others = sentence[: index - 1] + sentence[index + 1 :]
    return goes_on and not any(place.has("second", w) for w in others)


def _vocative(place: Place) -> bool:
    """Set off by commas or the sentence's edges: "Ответь, урод, почему...", "Идиоты!"."""
    sentence, index = place.sentence, place.index
    word = sentence[index]
    before = index == 0 or sentence[index - 1].pause
    after = word.pause or index == len(sentence) - 1
    return before and after


def _name(sentence: list[Word], index: int) -> bool:
    word = sentence[index]
    return word.capital and is_name(word.plain)


def _aimed(place: Place) -> bool:
    """Addressed, said of a person, an office, a name, "он", "эти"."""
    if place.addressed or _vocative(place):
        return True
    kinds = ("person", "third", "this")
    return any(
        i != place.index and (any(place.has(k, w) for k in kinds) or place.name(i))
        for i, w in enumerate(place.sentence)
    )


def _beside_person(place: Place) -> bool:
    """An adjective next to a person ("тупой мэр") or near the addressee ("ты совсем тупой")."""
    for i, word in place.near(3, 3):
        distance = abs(i - place.index)
        if place.has("second", word) or (distance <= 2 and place.has("third", word)):
            return True
        if distance == 1 and (place.has("person", word) or place.name(i) or _someone(word)):
            return True  # "тупые мелиораторы": a trade by its suffix
        between = place.sentence[(i + place.index) // 2]
        if distance == 2 and place.has("person", word) and between.plain in POSSESSIVES:
            return True  # "придурочный наш мэр"
    return False


def _addressed_nearby(place: Place) -> bool:
    """The addressee near ("ты козёл"), a person right beside ("мэр свинья") or with "наш",
    a territory or an office between ("глава наш козёл", "глава района обезьяна")."""
    for i, word in place.near(3, 2):
        if word.plain not in place.lex.nominative:
            continue
        if place.has("second", word) and word.clause == place.sentence[place.index].clause:
            return True  # "вы там все ослы"; not "Вы видели, стадо коров идёт"
        if abs(i - place.index) == 1 and not place.has("second", word):
            return True
        if abs(i - place.index) == 3:
            continue  # only the addressee is looked for that far: "вы там все дятлы"
        between = place.sentence[(i + place.index) // 2]
        if abs(i - place.index) == 2 and (
            between.plain in POSSESSIVES
            or (place.has("person", word) and (between.plain in TERRITORIES or _office(between)))
        ):
            return True  # "глава наш козёл", "глава района обезьяна"
    return False


def _office(word: Word) -> bool:
    return word.plain in lexicon().words.get("office", frozenset())


def _predicate(place: Place) -> bool:
    """A person, a dash (or "это", "у нас"), then the word: "Начальница отдела — тупая курица",
    "мэр у нас овощ", "глава — пустое место и трепло"."""
    sentence, index = place.sentence, place.index
    reach = 5 if index and sentence[index - 1].plain == "и" else 3
    dash = next(
        (
            i
            for i in range(index, max(-1, index - reach), -1)
            if sentence[i].dash or (i < index and _copula(sentence, i))
        ),
        None,
    )
    if dash is None:
        return False
    return any(
        w.plain in place.lex.nominative or place.name(i) or _someone(w)
        for i, w in enumerate(sentence[:dash])
    )


def _someone(word: Word, case: str = "nomn") -> bool:
    """A person no list names, by the suffix of a trade or a role, in ``case``: "паромщик",
    "отловщики", "директорша" (people's trades are endless); "кот", "собака" are no person."""
    return insult_of(word, lexicon()) is None and any(
        _ROLE.search(parse.normal_form) and {"NOUN", "anim", case} <= parse.tag.grammemes
        for parse in morph().parse(word.plain)[:3]  # "паромщика": genitive and accusative
    )


#: the endings of words for people by their trade or role (a lemma's)
_ROLE = re.compile(r"(?:щик|чик|тель|ист|ница|ник|ша|иха|иса|арь|[её]р|ор|ант|ент|лог|ач|вед)$")


def _copula(sentence: list[Word], i: int) -> bool:
    """ "это" or "у нас" standing for "is": "мэр это клоун", "мэр у нас овощ"."""
    word = sentence[i].plain
    return word == "это" or (word in ("нас", "них") and i > 0 and sentence[i - 1].plain == "у")


# --- spam -------------------------------------------------------------------------------------


def spam_findings(text: str, words: Text, lex: Lexicon, repeated: str) -> Iterable[Finding]:
    """Weighted spam signals: two or more remove, one is sent for review."""
    signals = spam_signals(text, words, lex)
    if repeated:
        signals[f"repeated:{repeated}"] = 1.0
    if has_phone(text) and signals:
        signals = {"phone": 1.0, **signals}
    elif has_landline(text) and AD_WORDS & set(signals):
        signals = {"phone": 1.0, **signals}  # "шиномонтаж, скидка 20%, тел. 8 (86165) 4-23-19"
    elif _EMAIL.search(text) and signals:
        signals = {"email": 1.0, **signals}
    if set(signals) <= SUPPORTING and len(signals) < 2:
        signals = {}
    score = sum(signals.values())
    warned = _search(lex, "warning", words.plain)
    warned = warned or lex.seeking.search(words.plain) is not None  # "ищу подработку, пишите"
    if score > 0:
        remove = score >= SPAM_REMOVE and not warned  # "осторожно, пишут про подработку..."
        verdict: Literal["remove", "review"] = "remove" if remove else "review"
        yield Finding("spam", verdict, "spam:" + "+".join(signals))


def _listing(text: str, words: Text) -> bool:
    """An ad's list: goods or services one after another and a mobile number, without a single
    verb ("Лодочные моторы, новые и б/у, ремонт, запчасти, 89180000754 Виктор"). A resident's
    complaint or request with a number has a verb ("звонила", "перезвоните"), a contact card a
    surname; an office's landline is no mobile. A word the dictionary does not know ("Меркури")
    is no verb."""
    if text.count(",") < 2 or "?" in text or not has_mobile(text):
        return False
    plains = [w.plain for w in words.words if known(w.plain)]
    if any(plain in _ONESELF for plain in plains):
        return False  # "мой номер ..., перезвоните": a resident about their own matter
    tags = [morph().parse(plain)[0].tag for plain in plains if plain not in _AD_VERBS]
    verb = any(tag.POS in ("VERB", "INFN", "ADJS", "PRED") for tag in tags)  # "нужен продавец"
    surname = any("Surn" in tag for tag in tags)  # "Староста, Иванова Мария, 8-918-..."
    return not verb and not surname


def with_joined(words: Text) -> str:
    """The comment's plain text and, after " | ", the words it spells with letters typed apart
    or dotted ("Б.ы.с.т.р.ы.е д.е.н.ь.г.и"), read by the spam and unlawful patterns alike."""
    dotted = [
        w for w in words.words if w.raw != w.plain and _NOT_LETTER.sub("", fold(w.raw)) == w.plain
    ]
    spread = " ".join(w.plain for w in [*words.joined, *dotted] if len(w.plain) >= SPREAD_MIN)
    return f"{words.plain} | {spread}" if spread else words.plain


def spam_signals(text: str, words: Text, lex: Lexicon) -> dict[str, float]:
    """The signals of one comment, by name, with their weights."""
    signals: dict[str, float] = {}
    if any(not official(d, lex) for d in domains(text, lex)):
        signals["link"] = 1.0
    haystack = read_digits(with_joined(words))  # "Р а б о т а н а д о м у", "5ООО в день"
    for name, weight, pattern in lex.spam:
        found = pattern.search(haystack)
        if found is None or name.removesuffix("_hint") in signals:
            continue
        if name in ASKED and _asked(haystack, found.end()):
            continue  # "где купить саженцы недорого?" asks for a price, offers none
        signals[name] = weight
    if _listing(text, words):
        signals["listing"] = 1.0
    if lex.money.search(words.plain) and any(offering(w.plain) for w in words.words):
        signals["offer"] = 1.0  # "помогу закрыть кредиты", "оформи доплату 15 000 руб."
    return signals


def _asked(plain: str, end: int) -> bool:
    """Whether the sentence around ``end`` is a question."""
    stop = _SENTENCE_STOP.search(plain, end)
    return stop is not None and stop.group() == "?"


@functools.lru_cache(maxsize=20_000)
def offering(word: str) -> bool:
    """Whether ``word`` offers: an offering verb in the imperative ("получи") or the first
    person ("удвою"); "получил", "помогли" tell what happened."""
    tag = morph().parse(word)[0].tag
    if not ("impr" in tag or ("1per" in tag and ("futr" in tag or "pres" in tag))):
        return False
    return any(fold(p.normal_form) in lexicon().offers for p in morph().parse(word)[:2])


def domains(text: str, lex: Lexicon) -> list[str]:
    """Hosts of the links in ``text`` (with or without a scheme), e-mail addresses left out."""
    text = _EMAIL.sub(" ", text)
    found = [m.group(1) for m in _URL.finditer(text)]
    found += [m.group(1) for m in lex.bare_domain.finditer(_URL.sub(" ", text))]
    return [fold(host).removeprefix("www.").rstrip(".") for host in found]


def official(host: str, lex: Lexicon) -> bool:
    """Whether ``host`` is an official site or one of its subdomains."""
    return any(host == d or host.endswith("." + d) for d in lex.official)


# --- unlawful ---------------------------------------------------------------------------------


def unlawful_findings(text: str, words: Text, lex: Lexicon) -> Iterable[Finding]:
    """Threats and calls for violence, drug selling, forged documents, weapons, another
    person's data, counterfeit money, votes bought."""
    yield from threat_findings(words, lex)
    plain = with_joined(words)  # "н а р к о т а" is read joined too
    present = {kind: pattern.search(plain) is not None for kind, pattern in lex.patterns.items()}
    if present.get("threat"):
        # "вот бы их на вилы": a wish is angry talk for a person to judge, not a plain call
        wished = _WISH.search(words.plain) is not None
        yield Finding("unlawful", "review" if wished else "remove", "unlawful:threat:phrase")
    if present.get("hint"):
        yield Finding("unlawful", "review", "unlawful:threat:hint")
    present["contact"] = present.get("contact", False) or has_phone(text)
    present["drug"] = present.get("drug", False) or _spelt_drug(words, lex)
    if present.get("warning"):
        return  # "осторожно, продают права без экзаменов": a warning quotes the offer
    yield from _drugs(present)
    yield from _documents(present, text, words)
    yield from _trade(present)


def _spelt_drug(words: Text, lex: Lexicon) -> bool:
    """A drug's short name with its letters typed apart or split by emoji ("м е ф, г а ш",
    "м🍄е🍄ф"): such names are too short for :func:`with_joined`, whose words are long enough
    to read as words on their own."""
    split = [w for w in words.words if not w.raw.isalpha()]
    short = [w.plain for w in [*words.joined, *split] if 3 <= len(w.plain) < SPREAD_MIN]
    short += _run_ends(words.words)  # "С о л ь и м е ф": "меф" ends a run that starts elsewhere
    text = " ".join(short)
    return bool(text) and _search(lex, "drug", text)


def _run_ends(words: list[Word]) -> list[str]:
    """The last three and four letters of every run of single letters typed apart."""
    ends: list[str] = []
    run: list[str] = []
    for word in [*words, None]:
        if word is not None and len(word.plain) == 1:
            run.append(word.plain)
            continue
        letters = "".join(run)
        ends += [letters[-n:] for n in (3, 4) if len(letters) >= n]
        run = []
    return ends


def _trade(present: Mapping[str, bool]) -> Iterable[Finding]:
    """Weapons offered, another person's data passed on, counterfeit money, votes bought, gas or
    power connected behind the utility's back for pay."""
    if present.get("weapon") and present.get("weapon_illegal"):
        yield Finding("unlawful", "remove", "unlawful:weapons")
    elif present.get("weapon") and (present.get("trade") or present.get("contact")):
        yield Finding("unlawful", "review", "unlawful:weapons")
    if present.get("doxx"):
        yield Finding("unlawful", "remove", "unlawful:personal_data")
    if present.get("counterfeit"):
        yield Finding("unlawful", "remove", "unlawful:counterfeit")
    if present.get("votes"):
        yield Finding("unlawful", "remove", "unlawful:votes")
    if present.get("bypass") and (present.get("contact") or present.get("contact_hint")):
        yield Finding("unlawful", "remove", "unlawful:bypass")


def _drugs(present: Mapping[str, bool]) -> Iterable[Finding]:
    """A drug with a shop's words or a seller's contact; couriers wanted."""
    trade, contact = present.get("trade"), present.get("contact")
    reach = contact or present.get("contact_hint")
    offered = trade or contact if present.get("drug") else trade and reach
    if (present.get("drug") or present.get("drug_hint")) and (offered or present.get("shop")):
        yield Finding("unlawful", "remove", "unlawful:drugs")
    elif present.get("drug_job") and (present.get("job") or contact or present.get("contact_hint")):
        yield Finding("unlawful", "remove", "unlawful:drugs:job")


def _documents(present: Mapping[str, bool], text: str, words: Text) -> Iterable[Finding]:
    """A forger's promise, or a sale or a document made in a day with a contact; a question
    without a contact or a sale ("права без экзамена можно поменять?") asks, it offers nothing,
    and a document made fast in the past tense is a resident's story ("паспорт сделали за 3
    дня, звонила 8 800 ..."), not a promise."""
    if not present.get("document"):
        return
    asked_or_told = "?" in text or _told(words)  # parsed only when a document is named
    contact = present.get("contact") or present.get("contact_hint")
    forged = present.get("forgery") and (contact or present.get("sale") or not asked_or_told)
    speedy = present.get("speed") and not asked_or_told
    if forged or ((present.get("sale") or speedy) and contact):
        yield Finding("unlawful", "remove", "unlawful:documents")
    elif present.get("sale"):
        yield Finding("unlawful", "review", "unlawful:documents")


def _told(words: Text) -> bool:
    """Whether the comment tells what happened: a verb in the past tense ("сделали", "дали")."""
    return any(
        "past" in (tag := morph().parse(w.plain)[0].tag) and tag.POS == "VERB" for w in words.words
    )


def threat_findings(words: Text, lex: Lexicon) -> Iterable[Finding]:
    """A violent verb as a threat ("убью"), an order ("убейте") or a call ("надо повесить")."""
    for sentence in sentences(words.words):
        if _search(lex, "idiom", " ".join(w.plain for w in sentence)):
            continue
        for index, word in enumerate(sentence):
            verb = lex.violent.get(word.plain) or _masked_violent(word, lex)
            if verb is not None and not (index and sentence[index - 1].plain == "не"):
                # "ужей не убивайте, они безобидные": a negated order forbids the harm
                finding = judge_threat(sentence, index, verb, lex)
                if finding is not None:
                    yield finding


def _masked_violent(word: Word, lex: Lexicon) -> Violent | None:
    """A violent verb with letters masked ("уб*ю"), when the mask fits exactly one of them."""
    if word.mask is None:
        return None
    fits = [verb for form, verb in lex.violent.items() if word.mask.fullmatch(form)]
    return fits[0] if len(fits) == 1 else None


def judge_threat(sentence: list[Word], index: int, verb: Violent, lex: Lexicon) -> Finding | None:
    """Remove a threat at a person or to burn or blow up a building, review one without a
    person, keep the rest."""
    if _burns_fuel(sentence, index, verb, lex):
        return None  # "спалю этот мусор сам, раз не вывозите"
    if _arson(sentence, index, verb, lex):
        return Finding("unlawful", "remove", f"unlawful:threat:{verb.lemma}")
    target = _object(sentence, index, lex) or (
        "first" in verb.kinds and _mentions(sentence, "second", lex)
    )
    only_self = not target and _mentions(sentence, "self", lex)
    # "Расстрелять всех, кто подписал": an infinitive opening the sentence with its victims is a
    # call too ("Убить мало тех...", "Задушить готова..." are anger, for a person to judge)
    opening = index == 0 and len(sentence) > 1 and sentence[1].plain in _WHOM
    called = "infinitive" in verb.kinds and (opening or _mentions(sentence, "modal", lex))
    if verb.kinds & {"first", "order"} or called:
        kind = "call" if called else "threat"
        if target and (_in_kind(sentence, index) or _wished_at_whoever(sentence)):
            return Finding("unlawful", "review", f"unlawful:{kind}:{verb.lemma}")
        if target:
            return Finding("unlawful", "remove", f"unlawful:{kind}:{verb.lemma}")
        if not verb.needs_object and not only_self:
            return Finding("unlawful", "review", f"unlawful:{kind}:{verb.lemma}")
        return None
    angry = "infinitive" in verb.kinds and _mentions(sentence, "hyperbole", lex)
    wished = "past" in verb.kinds and any(w.plain == "бы" for w in sentence)
    if target and (angry or wished):
        return Finding("unlawful", "review", f"unlawful:threat:{verb.lemma}")
    return None


def _arson(sentence: list[Word], index: int, verb: Violent, lex: Lexicon) -> bool:
    """Burning or blowing up a building, an office or a vehicle, threatened, ordered or wished
    ("подожгу этот паркомат", "спалить бы эту контору"), not told ("сожгли холодильник")."""
    threatened = verb.kinds & {"first", "order", "infinitive"}  # not told: "разносит почту"
    if verb.lemma not in lex.words.get("arson", frozenset()) or not threatened:
        return False
    clause = sentence[index].clause
    for i, word in enumerate(sentence):
        if i == index or word.clause != clause:
            continue
        named = (
            lex.has("property", word) or lex.has("office", word) or _pointed_at(sentence, i, lex)
        )
        if named and _accusative(word):
            return True  # "спалить эту контору", "подожгу этот кинотеатр"; not "сжечь мусор"
        person = lex.has("person", word) or _someone(word, "ablt")
        if person and i and sentence[i - 1].plain == "с":
            return True  # "сжечь этот логопарк вместе с начальством"
    return False


def _burns_fuel(sentence: list[Word], index: int, verb: Violent, lex: Lexicon) -> bool:
    """A fire verb whose object, in its clause, is what is burnt anyway (rubbish, dry grass)."""
    clause = sentence[index].clause
    return verb.lemma in lex.words.get("arson", frozenset()) and any(
        w.clause == clause and lex.has("fuel", w) and _accusative(w) for w in sentence
    )


def _pointed_at(sentence: list[Word], i: int, lex: Lexicon) -> bool:
    """A thing pointed at with "этот" or "ваш" ("этот кинотеатр", "вашу контору"): a building
    or a business in a threat to burn it, whatever its name."""
    before = sentence[i - 1] if i else None
    pointer = before is not None and (lex.has("this", before) or before.plain in POSSESSIVES)
    return pointer and morph().parse(sentence[i].plain)[0].tag.POS == "NOUN"


def _accusative(word: Word) -> bool:
    return any("accs" in parse.tag for parse in morph().parse(word.plain)[:3])


def _in_kind(sentence: list[Word], index: int) -> bool:
    """Paying them back in kind, wished: "самих бы в этот котлован закопать", "их бы в их же яму":
    angry talk for a person to judge, not a plan. Said in the verb's clause ("..., тогда пробки
    сами рассосутся" is about the traffic)."""
    plains = [w.plain for w in sentence if w.clause == sentence[index].clause]
    wished = "бы" in plains
    themselves = any(p in _THEMSELVES for p in plains) or any(
        a in ("их", "его", "ее") and b == "же" for a, b in itertools.pairwise(plains)
    )
    return wished and themselves


def _wished_at_whoever(sentence: list[Word]) -> bool:
    """Wished on whoever did it: "прибить бы того, кто придумал платный въезд" (an anger for a
    person to judge, like "убить мало тех, кто так строил"); not "Расстрелять всех, кто...",
    an order."""
    plains = [w.plain for w in sentence]
    return "бы" in plains and any(a in _THOSE and b == "кто" for a, b in itertools.pairwise(plains))


def _object(sentence: list[Word], index: int, lex: Lexicon) -> bool:
    """A person in the verb's clause who can be its object: "его", "мэра", "этого урода", or
    an office whose people are meant ("перестрелять всю эту администрацию")."""
    clauses = _verb_clauses(sentence, index)
    for i, word in enumerate(sentence):
        if i == index or word.clause not in clauses:
            continue
        insult = insult_of(word, lex)
        person = insult is not None and insult.level in ("strong", "weak", "deed", "slur")
        if person or word.plain in lex.objects or _name(sentence, i) or _someone(word, "accs"):
            return True  # "паромщика этого утоплю"
        governed = i > 0 and sentence[i - 1].plain in _PREPOSITIONS  # "время в администрации"
        named = lex.has("office", word) or lex.has("person", word)
        if named and not governed and _accusative(word):
            return True
    return False


def _verb_clauses(sentence: list[Word], index: int) -> set[int]:
    """The verb's clause and the one before a relative clause that separates them:
    "Чиновников, которые закрыли библиотеку, надо перестрелять"."""
    clause = sentence[index].clause
    clauses = {clause}
    starts = {w.clause: w for w in reversed(sentence)}  # each clause's first word
    previous = clause - 1
    if previous in starts and lemma_of(starts[previous].plain) == "который":
        clauses.add(previous - 1)
    return clauses
