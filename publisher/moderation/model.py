"""A small learned model that the detector's rules consult: hashed words and letter groups.

The rules (:mod:`.detector`) are precise but miss what their lists do not name: a new insult,
an invented disguise, an ad worded in a way nobody wrote before. The model is a linear
classifier (multinomial logistic regression, trained by ``bench/train_moderation_model.py``
on the labelled comments) over features of the comment after its disguises are undone
(:mod:`.normalize`): every word, every pair of neighbouring words, the letter groups of two to
five letters inside each word, and a few marks (a link, a phone number, masked or look-alike
letters). Each feature is hashed with CRC-32 (stable across processes, unlike ``hash()``) into
one of ``buckets`` slots; the file ``data/moderation/model.json`` holds, per class, the
intercept and the weights of the slots that matter. It is plain JSON, read with ``json`` and
checked strictly: nothing in it is ever executed (no pickle).

The classes are ``keep`` (including comments a person should review) and the four categories
the decree removes; :meth:`Model.scores` gives each one's probability.
"""

from __future__ import annotations

import functools
import json
import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.core.errors import ConfigError
from publisher.core.i18n import _
from publisher.core.resources import DATA_DIR
from publisher.moderation.morphology import function_word, is_name, known, lemma
from publisher.moderation.normalize import Text, Word, fold, has_phone

MODEL_FILE = DATA_DIR / "moderation" / "model.json"
#: the classes in the order the weights are kept; "keep" first
CLASSES = ("keep", "obscene", "insult", "spam", "unlawful")
#: the file's layout (2: a threshold per removable class); a file of another layout is refused
FORMAT = 2
#: what the features are; a file made for other features is refused
FEATURES = "words+pairs+lemmas+letters2-5+marks/crc32/binary/v5"
#: letter groups of these lengths inside a word, its edges marked
NGRAMS = (2, 5)
#: a file larger than this is refused before it is parsed
MAX_BYTES = 400_000
#: the most buckets a model may have
MAX_BUCKETS = 1 << 22
#: weights outside this range are taken for a broken file
MAX_WEIGHT = 100.0
#: words longer than this give no letter groups (a run of letters is no word)
MAX_WORD = 30

_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:ru|рф|su|com|net|org|info|me|ly|cc|io|pro|biz)\b")
_HANDLE = re.compile(r"(?<![\w.])@[\w_]{3,}|\bt\.me/|\bwa\.me/")
_NUMBER = re.compile(r"\d+")
_MONEY = re.compile(r"\d\s*(?:₽|руб|р\.|тыс|к\b|k\b|\$|usd|евро)")
_OBFUSCATED = re.compile(r"[a-z0-9@$€*#%]")
_CYRILLIC = re.compile(r"[а-я]")


def tokens(text: str, words: Text) -> list[str]:
    """The features of a comment before hashing: ``words`` is ``analyse(text, known)``."""
    out: list[str] = []
    previous = "^"
    sentence = -1
    folded = fold(text)
    for word in words.words:
        plain = word.plain
        if not plain:
            continue
        if word.sentence != sentence:
            previous, sentence = "^", word.sentence
        out.append("b:" + previous + " " + plain)
        previous = plain
        if not function_word(plain):
            out.append("w:" + plain)
            _word_shape(word, plain, out)
    for word in words.joined:
        plain = word.plain
        if plain and len(plain) <= MAX_WORD:
            out.append("w:" + plain)
            out.append("j:" + plain)
            _letters(plain, out)
    if has_phone(text):
        out.append("f:phone")
    if _LINK.search(folded):
        out.append("f:link")
    if _HANDLE.search(folded):
        out.append("f:handle")
    if _MONEY.search(folded):
        out.append("f:money")
    if _NUMBER.search(folded):
        out.append("f:number")
    if not out:
        out.append("f:empty")
    return out


def _word_shape(word: Word, plain: str, out: list[str]) -> None:
    """A dictionary word written plainly is its lemma ("идиомами" is "идиома", not letters
    shared with "идиот"; a capitalised surname is a name, not "козлов" of "козёл"); a masked,
    disguised or unknown word is its letter groups, which survive the disguise."""
    disguised = word.mask is not None or bool(_OBFUSCATED.search(word.piece))
    if word.mask is not None:
        out.append("f:mask")
    elif disguised and _CYRILLIC.search(plain):
        out.append("f:lookalike")
    if disguised or not known(plain):
        _letters(plain, out)
    elif word.capital and is_name(plain):
        out.append("f:name")
    else:
        out.append("l:" + lemma(plain))


def _letters(plain: str, out: list[str]) -> None:
    if len(plain) > MAX_WORD:
        return
    padded = "<" + plain + ">"
    low, high = NGRAMS
    for size in range(low, high + 1):
        for start in range(len(padded) - size + 1):
            out.append("c:" + padded[start : start + size])


def bucket(token: str, buckets: int) -> int:
    """The slot of one feature: CRC-32, the same in every process and on every machine."""
    return zlib.crc32(token.encode("utf-8")) % buckets


def features(text: str, words: Text, buckets: int) -> dict[int, float]:
    """The hashed features of a comment: each slot present once, as 1. Not scaled by the
    comment's length: a one-word comment then has few features and a modest score, where a
    unit-length vector would lean its whole weight on a letter group or two ("страхуй")."""
    return dict.fromkeys(sorted({bucket(token, buckets) for token in tokens(text, words)}), 1.0)


@dataclass(frozen=True)
class Model:
    """The weights read from ``model.json``; :meth:`scores` gives each class's probability."""

    classes: tuple[str, ...]
    buckets: int
    intercepts: tuple[float, ...]
    #: slot -> the weight of each class, in the order of ``classes``
    weights: Mapping[int, tuple[float, ...]]
    #: removable class -> the probability at which the model removes with it (1.0: never);
    #: one per class, because the classes are not equally sure: insults look like harsh
    #: criticism, drug ads like nothing else
    thresholds: Mapping[str, float]
    #: training file name -> its sha256
    training: Mapping[str, str]
    trained: str

    def scores(self, text: str, words: Text) -> dict[str, float]:
        """Each class's probability for a comment analysed into ``words``."""
        logits = list(self.intercepts)
        zero = (0.0,) * len(self.classes)
        for slot, value in features(text, words, self.buckets).items():
            row = self.weights.get(slot, zero)
            for i, weight in enumerate(row):
                logits[i] += weight * value
        top = max(logits)
        exps = [math.exp(logit - top) for logit in logits]
        total = sum(exps)
        return {name: e / total for name, e in zip(self.classes, exps, strict=True)}

    def best_removal(self, text: str, words: Text) -> tuple[str, float]:
        """The likeliest removable class and its probability."""
        scores = self.scores(text, words)
        name = max((c for c in self.classes if c != "keep"), key=lambda c: scores[c])
        return name, scores[name]

    def removal(self, text: str, words: Text) -> tuple[str, float] | None:
        """The likeliest removable class and its probability, if that reaches the class's
        threshold; None when the model would keep the comment."""
        name, probability = self.best_removal(text, words)
        return (name, probability) if reaches(self.thresholds, name, probability) else None


def reaches(thresholds: Mapping[str, float], name: str, probability: float) -> bool:
    """Whether the model removes with class ``name`` at ``probability`` (a threshold of 1.0:
    never); the trainer chooses thresholds by this very rule."""
    threshold = thresholds[name]
    return threshold < 1.0 and probability >= threshold


def load(path: Path = MODEL_FILE) -> Model:
    """Read and check a model file; a malformed one raises :class:`ConfigError`."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _Broken("")  # larger than MAX_BYTES
        raw = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_no_constant)
        return _model(raw)
    except (OSError, ValueError, TypeError, KeyError, RecursionError) as error:
        part = error.part if isinstance(error, _Broken) else ""
        raise ConfigError(
            _unreadable(path.name, part),
            _("Train it again with `make model`; the file holds JSON weights only."),
        ) from None


class _Broken(ValueError):
    """A model file that breaks the format; ``part`` names where ("" for the whole file)."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def _unreadable(file: str, part: str) -> str:
    """Why a model file was refused, in words: the part that breaks the format, if known."""
    if part:
        return _(
            "{file}: the moderation model cannot be read: its part «{part}» is damaged or made"
            " for another version",
            file=file,
            part=part,
        )
    return _(
        "{file}: the moderation model cannot be read: it is not the JSON weights file publisher"
        " writes",
        file=file,
    )


@functools.cache
def default_model() -> Model:
    """The shipped model, read once per process."""
    return load(MODEL_FILE)


def _no_constant(name: str) -> float:
    raise _Broken("")  # NaN or Infinity


def _model(raw: Any) -> Model:
    data = _dict(raw, "model")
    _keys(
        data,
        {"format", "features", "classes", "buckets", "intercepts", "weights", "thresholds"}
        | {"training"},
        "model",
    )
    if data["format"] != FORMAT or data["features"] != FEATURES:
        raise _Broken("features")
    classes = data["classes"]
    if not isinstance(classes, list) or tuple(classes) != CLASSES:
        raise _Broken("classes")
    buckets = _int(data["buckets"], "buckets")
    if not 1 <= buckets <= MAX_BUCKETS:
        raise _Broken("buckets")
    intercepts = _dict(data["intercepts"], "intercepts")
    _keys(intercepts, set(CLASSES), "intercepts")
    weights: dict[int, list[float]] = {}
    per_class = _dict(data["weights"], "weights")
    _keys(per_class, set(CLASSES), "weights")
    for i, name in enumerate(CLASSES):
        sparse = _dict(per_class[name], f"weights.{name}")
        _keys(sparse, {"index", "value"}, f"weights.{name}")
        index, value = sparse["index"], sparse["value"]
        if not isinstance(index, list) or not isinstance(value, list) or len(index) != len(value):
            raise _Broken(f"weights.{name}")
        if len(index) > buckets:
            raise _Broken(f"weights.{name}")
        for slot, weight in zip(index, value, strict=True):
            slot = _int(slot, f"weights.{name}.index")
            if not 0 <= slot < buckets:
                raise _Broken(f"weights.{name}")
            row = weights.setdefault(slot, [0.0] * len(CLASSES))
            if row[i]:
                raise _Broken(f"weights.{name}")
            row[i] = _weight(weight, f"weights.{name}.value")
    thresholds = _dict(data["thresholds"], "thresholds")
    _keys(thresholds, set(CLASSES[1:]), "thresholds")
    for name in CLASSES[1:]:
        if not 0.0 < _weight(thresholds[name], f"thresholds.{name}") <= 1.0:
            raise _Broken(f"thresholds.{name}")
    training = _dict(data["training"], "training")
    _keys(training, {"files", "date"}, "training")
    files = _dict(training["files"], "training.files")
    for name, digest in files.items():
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise _Broken(f"training.files.{name}")
    if not isinstance(training["date"], str):
        raise _Broken("training.date")
    return Model(
        classes=CLASSES,
        buckets=buckets,
        intercepts=tuple(_weight(intercepts[name], "intercepts") for name in CLASSES),
        weights={slot: tuple(row) for slot, row in weights.items()},
        thresholds={name: float(thresholds[name]) for name in CLASSES[1:]},
        training=dict(files),
        trained=training["date"],
    )


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Broken(where)
    return value


def _keys(value: dict[str, Any], expected: set[str], where: str) -> None:
    if set(value) != expected:
        raise _Broken(where)


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Broken(where)
    return value


def _weight(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Broken(where)
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_WEIGHT:
        raise _Broken(where)
    return number
