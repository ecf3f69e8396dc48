"""Undo the ways people disguise words, and cut a comment into words with candidate spellings.

Commenters hide obscene words from filters: Latin look-alike letters ("xyй"), transliteration
("blyat"), digits for letters ("e6ать"), asterisks and symbols for letters ("п*здец", "бл@ть"),
dots, spaces or dashes between letters ("х.у.й", "п и з д е ц"), repeated letters ("сууука").
:func:`analyse` returns every word with the spellings a detector should try (``Word.forms``,
the plain one first), a pattern for masked letters (``Word.mask``), and extra candidates made
by joining letters that were split apart (``Text.joined``). It also keeps what the detector needs
about each word's place: the sentence and clause, quotes, a capital letter, a following comma,
a dash before it ("мэр — идиот").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

#: Latin letters, digits and symbols that look like Cyrillic letters
VISUAL = str.maketrans(
    {
        "a": "а", "b": "в", "c": "с", "d": "д", "e": "е", "f": "ф", "g": "д", "h": "н",
        "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "п", "o": "о", "p": "р",
        "q": "д", "r": "г", "s": "с", "t": "т", "u": "и", "v": "в", "w": "ш", "x": "х",
        "y": "у", "z": "з", "0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "9": "я",
        "@": "а", "$": "с", "€": "е",
    }
)  # fmt: skip
#: transliteration: letter pairs first, then single letters
TRANSLIT_PAIRS = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"), ("ya", "я"), ("ja", "я"), ("yu", "ю"), ("ju", "ю"), ("yo", "е"),
    ("jo", "е"), ("ye", "е"), ("je", "е"),
)  # fmt: skip
TRANSLIT = str.maketrans(
    {
        "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
        "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
        "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "х",
        "z": "з", "0": "о", "1": "и", "3": "з", "4": "ч", "6": "б", "9": "я", "@": "а",
        "$": "с", "€": "е",
    }
)  # fmt: skip
VOWELS = "аеиоуыэюя"
#: symbols that stand for a hidden letter
MASKS = "*#%"
#: symbols and digits that may stand for a look-alike letter or for any hidden one ("бл@ть")
LOOSE_MASKS = "@$0123456789"
OPENING_QUOTES = '«„“"'
CLOSING_QUOTES = '»”“"'
SENTENCE_END = ".!?…"
PAUSES = ",;:"
DASHES = "—–-"
#: letters spaced out over at most this many words are joined back ("н а р к о т а")
MAX_SPREAD = 12
#: a run of masks stands for at most this many letters
MAX_MASKED = 5
#: longer words are not unmasked or joined: no obscene word is that long
MAX_WORD = 40

_CHUNK = re.compile(r"\S+")
_INNER = re.compile(r"[0-9a-zа-яё*#%@$€]")
_SEPARATOR = re.compile(r"[^0-9a-zа-я*#%@$€]+")
#: a person's initials: "Е.Б.", "А. Б"
_INITIALS = re.compile(r"[A-ZА-ЯЁ]\.\s?[A-ZА-ЯЁ]\.?")
_NUMBERISH = re.compile(r"\d+[a-zа-я]{0,3}|[a-zа-я]?\d+")
_LATIN = re.compile(r"[a-z]+")
_CYRILLIC = re.compile(r"[а-я]")
_OBFUSCATING = re.compile(r"[a-z0-9@$€]")
_REPEATS = re.compile(r"(.)\1+")
_NOT_CYRILLIC = re.compile(r"[^а-я]+")
_MASK_RUN = re.compile(r"[*#%]+")
#: letters split by single dots, dashes, underscores or apostrophes: "бл.ть", "п-и-з-д-а"
_LETTER_GAPS = re.compile(r"[a-zа-я0-9*#%@$]+(?:[.\-_'`~^|]+[a-zа-я0-9*#%@$]+)+")
_LINK = re.compile(
    r"(?:https?://|www\.)|^[\w.-]+@[\w-]+\.\w+|\.(?:ru|рф|su|com|net|org|info|me|ly|cc|io)(?:/|$)"
)
_GAP = re.compile(r"[.\-_'`~^|]")
_MIXED_DIGIT = re.compile(r"(?<=[a-zа-я])[0-9@$€]+(?=[a-zа-я])")
#: pictographs, with their joiners and variation selectors, between two letters of a word
#: ("п🤬здец", "Х🙈у🙈й"): they stand for a hidden letter or for nothing, like an asterisk
_EMOJI_IN_WORD = re.compile(
    r"(?<=[^\W\d_])[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+(?=[^\W\d_])"
)

#: letters spread with a symbol between each ("з*а*к*л*а*д*к*и", emoji already made "*")
_SPREAD_IN_CHUNK = re.compile(r"(?<![a-zа-я])(?:[a-zа-я]\*){3,}[a-zа-я](?![a-zа-я])")
#: the fewest letters typed apart that are taken for one word
RUN_MIN = 4
#: the letters a Cyrillic run of letters typed apart may hold: Cyrillic ones and the Latin ones
#: that look like them ("д e б и л")
RUN_LETTERS = frozenset("aeopcxykmtbh") | frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_SYLLABLES = re.compile(r"[а-я]{1,3}(?:-[а-я]{1,3}){2,}")
_ONE_SYMBOL = re.compile(r"[а-я]+[.!_'`~^-][а-я]+")
#: a word with a symbol typed into it is read whole from this length ("ублю.док", not "т.к.")
SPLIT_MIN = 5
#: "@" or "$" closing a Cyrillic word stands for its last letter, like an asterisk ("бл@"); a
#: mail address or a handle has Latin letters before it
_TRAILING_LOOSE_MASK = re.compile(r"(?<=[а-яё]{2})[@$](?![\w@$])", re.IGNORECASE)


@dataclass(frozen=True)
class Word:
    """One word of a comment and the spellings it may stand for."""

    #: the word as written (for a word split by symbols: the whole of it)
    raw: str
    #: this piece of it, folded
    piece: str
    #: candidate spellings in Cyrillic, lower case, ё as е; the plain one first
    forms: tuple[str, ...]
    #: what a masked word ("п*здец") must match in full, if letters were masked
    mask: re.Pattern[str] | None = None
    sentence: int = 0
    #: which whitespace-separated chunk of the text the word comes from
    chunk: int = 0
    #: clauses are separated by commas, colons, semicolons and dashes
    clause: int = 0
    quoted: bool = False
    capital: bool = False
    #: a comma, colon or the end of the sentence follows the word
    pause: bool = False
    #: a dash stands right before the word
    dash: bool = False

    @property
    def plain(self) -> str:
        return self.forms[0] if self.forms else ""


@dataclass
class Text:
    """A comment cut into words."""

    words: list[Word] = field(default_factory=list)
    #: letters that were split apart, joined back (for the obscene check only)
    joined: list[Word] = field(default_factory=list)
    #: the whole text in lower case with ё as е and look-alike letters inside words undone
    plain: str = ""


#: a mobile number: the code, then 9 and nine more digits grouped any way ("8-900-27-27-100")
_MOBILE_PATTERN = r"(?<![\d+])(?:\+7|8)[\s(-]{0,3}9(?:[\s()-]{0,3}\d){9}(?!\d)"
#: any number of ten digits grouped as 3-3-2-2; an office's landline with its five-digit area
#: code, "8 (86143) 2-15-80", is quoted in complaints and is no phone here
_PHONE = re.compile(
    r"(?<![\d+])(?:\+7|8|7)?[\s(-]{0,3}\d{3}[\s)-]{0,3}\d{3}[\s-]{0,2}\d{2}[\s-]{0,2}\d{2}(?!\d)|"
    + _MOBILE_PATTERN
)
_MOBILE = re.compile(_MOBILE_PATTERN)
#: an office's or a firm's landline: a four- or five-digit area code, then the number
_LANDLINE = re.compile(r"(?<![\d+])(?:\+7|8)\s*\(?\d{4,5}\)?\s*\d{1,3}[\s-]?\d{2}[\s-]?\d{2}(?!\d)")
#: letters typed for digits, touching a digit: "8 (918) 06З-44-21", "8 9ОО 1ОЗ 47 2З" (not
#: "ООО «Ромашка»" or "ЗОЛОТО": without a digit beside them they stay letters)
_DIGIT_LOOKALIKE = re.compile(
    r"(?<=\d)[ЗзОоOolI]+|[ЗзОоOolI]+(?=\d)"
    # "321 OO 99": a group of look-alike zeros between groups of digits
    r"|(?<=\d )[ОоOo]{2,}(?= \d)"
)
_DIGIT_OF = str.maketrans("ЗзОоOolI", "33000011")


def read_digits(text: str) -> str:
    """The text with letters typed for digits, where they touch digits, read as digits."""
    return _DIGIT_LOOKALIKE.sub(lambda m: m.group().translate(_DIGIT_OF), text)


def has_phone(text: str) -> bool:
    """A phone number, with letters typed for digits read as digits ("8 9ОО 1ОЗ 47 2З")."""
    return _PHONE.search(read_digits(text)) is not None


def has_landline(text: str) -> bool:
    """A landline ("8 (86142) 5-44-08"): an ad's number beside an ad's words, a complaint's
    quote of an office's number otherwise."""
    return _LANDLINE.search(read_digits(text)) is not None


def has_mobile(text: str) -> bool:
    """A mobile number (an ad's, a private person's), look-alike digits read as digits."""
    return _MOBILE.search(read_digits(text)) is not None


def fold(text: str) -> str:
    """Lower case, ё as е."""
    return text.lower().replace("ё", "е")


def collapse(word: str) -> str:
    """Repeated letters once: "сууука" -> "сука"."""
    return _REPEATS.sub(r"\1", word)


def translit(word: str) -> str:
    """Latin transliteration to Cyrillic: "blyat" -> "блят", "huy" -> "хуй"."""
    for latin, cyrillic in TRANSLIT_PAIRS:
        word = word.replace(latin, cyrillic)
    out: list[str] = []
    for char in word:
        if char == "y":
            out.append("й" if out and out[-1] in VOWELS else "ы")
        else:
            out.append(char.translate(TRANSLIT))
    return "".join(out)


def spellings(piece: str) -> tuple[str, ...]:
    """Candidate Cyrillic spellings of one folded piece of a word, the plain one first."""
    bare = _MASK_RUN.sub("", piece)
    found = [bare]
    if _OBFUSCATING.search(bare):
        found = [bare.translate(VISUAL)]
        if _LATIN.search(bare):
            found.append(translit(bare))
    found = [_NOT_CYRILLIC.sub("", form) for form in found]
    found += [collapse(form) for form in found]
    return tuple(dict.fromkeys(form for form in found if form))


def mask_pattern(piece: str) -> re.Pattern[str] | None:
    """A pattern for a word with masked letters ("п*здец" -> п, 1-2 letters, здец).

    ``*#%`` mask a letter anywhere; ``@$`` and digits only between letters ("бл@ть", "д3бил"),
    since at a word's edge they are more often part of a code ("MP4") or an address.
    """
    masked = [
        char in MASKS
        or (char in LOOSE_MASKS and 0 < i < len(piece) - 1 and _between_letters(piece, i))
        for i, char in enumerate(piece)
    ]
    if not any(masked) or len(piece) > MAX_WORD:
        return None
    parts: list[str] = []
    letters = run = 0
    for char, is_mask in zip(piece + " ", [*masked, False], strict=True):
        if is_mask:
            run += 1
            continue
        if run:
            parts.append(f"[а-я]{{1,{min(run + 1, MAX_MASKED)}}}")
            run = 0
        letter = _NOT_CYRILLIC.sub("", char.translate(VISUAL))
        if letter:
            letters += 1
            parts.append(letter)
    enough = letters >= 2 or (letters == 1 and sum(masked) >= 2)  # "х**", "б***"
    return re.compile("".join(parts)) if enough else None


def _between_letters(piece: str, index: int) -> bool:
    return piece[index - 1].isalpha() and piece[index + 1].isalpha()


def analyse(text: str, known: Callable[[str], bool]) -> Text:
    """Cut ``text`` into words; ``known`` tells a dictionary word (to join split letters)."""
    state = _State(known)
    last_end = 0
    for match in _CHUNK.finditer(text):
        if "\n" in text[last_end : match.start()] and state.out.words:
            state.sentence += 1
            state.clause += 1
        last_end = match.end()
        state.chunk(match.group())
    state.join_spread()
    state.merge_letter_runs()
    state.out.plain = _SPREAD_IN_CHUNK.sub(_unspread, " ".join(join_letter_runs(state.plain)))
    return state.out


def join_letter_runs(chunks: list[str]) -> list[str]:
    """Letters typed one by one, apart or between emoji, joined back into their word ("W h a t s
    A p p", "С 🧂 о 🧂 л 🧂 ь"): at least RUN_MIN letters of one alphabet, set apart the same way
    throughout, so "а я и" stays three words and "С 🧂 о 🧂 л 🧂 ь в" keeps its "в"."""
    out: list[str] = []
    run: list[str] = []
    between: list[str] = []
    spaced_by: bool | None = None  # whether symbols stand between the run's letters
    for chunk in chunks:
        letter = len(chunk) == 1 and chunk.isalpha()
        same = letter and run and _latin(chunk) == _latin(run[-1])
        if same and spaced_by in (None, bool(between)):
            run.append(chunk)
            spaced_by, between = bool(between), []
        elif run and not letter and not any(c.isalnum() or c in SENTENCE_END for c in chunk):
            between.append(chunk)  # an emoji or a symbol, between two letters or after the last
        else:
            out += (["".join(run)] if len(run) >= RUN_MIN else run) + between
            run, between, spaced_by = ([chunk] if letter else []), [], None
            if not letter:
                out.append(chunk)
    return out + (["".join(run)] if len(run) >= RUN_MIN else run) + between


def _spelt(words: list[Word]) -> str:
    """The letters of a run as one word, Latin look-alikes read as Cyrillic in a Cyrillic run."""
    spelt = "".join(w.piece for w in words)
    return spelt.translate(VISUAL) if _CYRILLIC.search(spelt) else spelt


def _inside_run(words: list[Word], index: int) -> bool:
    """Whether ``words[index]`` goes on a run of letters typed apart that began before it."""
    return _single_letter_after(words, index - 1, index - 1) and _single_letter_after(
        words, index - 1, index
    )


def _single_letter_after(words: list[Word], start: int, end: int) -> bool:
    """Whether ``words[end]`` is one letter going on a run of such from ``start``: in its own
    chunk, in the same sentence and alphabet, with no pause inside the run."""
    word = words[end]
    if len(word.piece) != 1 or not word.piece.isalpha():
        return False
    if end == start:
        return True
    before = words[end - 1]
    return (
        word.sentence == before.sentence
        and word.chunk != before.chunk
        and not before.pause
        and (
            _latin(word.piece) == _latin(before.piece)
            or RUN_LETTERS.issuperset(word.piece + before.piece)  # "д e б и л"
        )
    )


def _latin(letter: str) -> bool:
    return "a" <= letter <= "z"


def _unspread(match: re.Match[str]) -> str:
    return match.group().replace("*", "")


class _State:
    """Walks the chunks of a text, keeping sentence and quote state."""

    def __init__(self, known: Callable[[str], bool]) -> None:
        self.known = known
        self.out = Text()
        self.plain: list[str] = []
        self.sentence = 0
        self.chunks = 0
        self.clause = 0
        self.quoted = False
        self.dash = False

    def chunk(self, chunk: str) -> None:
        self.chunks += 1
        chunk = _TRAILING_LOOSE_MASK.sub("*", _EMOJI_IN_WORD.sub("*", chunk))
        lead, core, trail = _split_punctuation(chunk)
        folded = fold(core)
        if not folded and any(char in DASHES for char in chunk):
            self.dash = True
            self.clause += 1
        self.plain.append(fold(chunk) if _LINK.search(folded) else _plain_chunk(fold(chunk)))
        if any(char in OPENING_QUOTES for char in lead):
            self.quoted = True
        if folded and not _LINK.search(folded):
            self._pieces(core, folded, trail)
        if any(char in CLOSING_QUOTES for char in trail):
            self.quoted = False
        if any(char in SENTENCE_END for char in trail) and len(folded) > 1:
            self.sentence += 1
            self.clause += 1
        elif any(char in PAUSES for char in trail):
            self.clause += 1

    def _pieces(self, core: str, folded: str, trail: str) -> None:
        pieces = [p.lstrip(MASKS) for p in _SEPARATOR.split(folded)]
        pieces = [p for p in pieces if p and not self._number(p)]
        pause = any(char in PAUSES + SENTENCE_END for char in trail)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            self.out.words.append(self._word(piece, core, pause and last))
        joinable = 1 < len(pieces) <= MAX_SPREAD and len(folded) <= MAX_WORD
        joinable = joinable and not _INITIALS.fullmatch(core)
        spelt = "".join(pieces)
        letters = len(pieces) >= RUN_MIN and all(len(p) == 1 for p in pieces)
        word = next((f for f in spellings(spelt) if self.known(f)), "") if letters else ""
        if word:  # "у-р-о-д-ы", "u-r-o-d-y", "Б.ы.с.т.р.ы.е"
            self.out.words[-len(pieces) :] = [self._word(word, core, pause)]
            return
        whole = self._split_word(pieces, folded) if joinable else ""
        if whole:
            self.out.words[-len(pieces) :] = [self._word(whole, core, pause)]  # "ублю.док"
            return
        if joinable and any(len(p) <= 2 or not self.known(p) for p in pieces):
            self.out.joined.append(self._word(spelt, core, False))
            if _LETTER_GAPS.fullmatch(folded):  # "бл.ть": a dot may hide a letter too
                masked = _GAP.sub("*", folded)  # each dot for one letter: "е..ть"
                self.out.joined.append(self._word(masked, core, False))

    def _split_word(self, pieces: list[str], folded: str) -> str:
        """A dictionary word a symbol was typed into ("ублю.док", "ид!оты": "!" for "и"), when
        some piece is no word of its own; "пресс-службы" or "ул.Ленина" stay two words."""
        if _SYLLABLES.fullmatch(folded):  # "ту-па-я ко-ро-ва", "Ди-рек-тор"
            spelt = "".join(pieces)
            return spelt if len(spelt) >= SPLIT_MIN and self.known(spelt) else ""
        if len(pieces) != 2 or not _ONE_SYMBOL.fullmatch(folded):
            return ""  # "зае...ли": dots that hide letters are read by the obscene check
        if all(self.known(p) and len(p) > 2 for p in pieces):
            return ""
        candidates = ("".join(pieces), _SEPARATOR.sub("", folded.replace("!", "и")))
        return next((c for c in candidates if len(c) >= SPLIT_MIN and self.known(c)), "")

    def _number(self, piece: str) -> bool:
        """A number or a code ("5к", "MP4"), not a word with a digit for a letter ("0сел");
        digits alone are a number ("988" of a phone is no "я")."""
        return piece.isdigit() or (
            bool(_NUMBERISH.fullmatch(piece))
            and not (len(piece) > 2 and self.known(_NOT_CYRILLIC.sub("", piece.translate(VISUAL))))
        )

    def _word(self, piece: str, raw: str, pause: bool) -> Word:
        dash, self.dash = self.dash, False
        return Word(
            raw=raw,
            piece=piece,
            forms=spellings(piece),
            mask=mask_pattern(piece),
            sentence=self.sentence,
            chunk=self.chunks,
            clause=self.clause,
            quoted=self.quoted,
            capital=raw[:1].isupper(),
            pause=pause,
            dash=dash,
        )

    def merge_letter_runs(self) -> None:
        """Letters typed apart that spell a dictionary word become that word ("И д и о т ы"),
        so that every check sees it in its place in the sentence; other runs stay letters. The
        longest word from the run's start wins: "и д и о т ы в" is "идиоты" and "в"."""
        words, merged, start = self.out.words, [], 0
        while start < len(words):
            run_end = start
            while run_end < len(words) and _single_letter_after(words, start, run_end):
                run_end += 1
            ends = range(run_end, start + RUN_MIN - 1, -1)
            end = next((e for e in ends if self.known(_spelt(words[start:e]))), 0)
            if end:
                spelt = _spelt(words[start:end])
                last = words[end - 1]
                word = replace(words[start], piece=spelt, raw=spelt, forms=spellings(spelt))
                merged.append(replace(word, mask=None, pause=last.pause))
                self.out.joined.append(merged[-1])  # read whole by the drug patterns too
                start = end
            else:  # no word from the run's start: its letters stay letters ("м е ф е д р о н")
                end = max(run_end, start + 1)
                merged += words[start:end]
                start = end
        self.out.words = merged

    def join_spread(self) -> None:
        """Join letters spread over several words: "х у й", "пиз дец"."""
        words = self.out.words
        seen: set[str] = set()
        for start in range(len(words)):
            if start and _inside_run(words, start):
                continue  # inside a run of letters: "е б и л ы" of "д е б и л ы" is no word
            for end in range(start + 2, min(start + MAX_SPREAD, len(words)) + 1):
                window = words[start:end]
                if not self._fragments(window):
                    break
                raw = "".join(w.piece for w in window)
                if raw not in seen and any(
                    len(w.plain) == 1 or not self.known(w.plain) for w in window
                ):
                    seen.add(raw)
                    self.out.joined.append(self._joined(fold(raw), raw, window[0]))

    def _joined(self, piece: str, raw: str, first: Word) -> Word:
        """A word joined from a run: its place is the run's, not where reading has got to."""
        word = self._word(piece, raw, False)
        return replace(word, sentence=first.sentence, clause=first.clause, quoted=first.quoted)

    @staticmethod
    def _fragments(window: list[Word]) -> bool:
        """Short words of one sentence, each its own chunk (pieces of one are joined already),
        all inside quotes or all outside: "орёт «на хуй всё» и" is no word "нахуйвсеи"."""
        last = window[-1]
        return (
            len(last.plain) <= 3
            and last.sentence == window[0].sentence
            and last.chunk != window[-2].chunk
            and last.quoted == window[0].quoted
            and all(len(w.plain) <= 3 for w in window)
            and not any(w.pause for w in window[:-1])
        )


def _split_punctuation(chunk: str) -> tuple[str, str, str]:
    """Leading punctuation, the word, trailing punctuation; trailing masks stay in the word."""
    start = 0
    while start < len(chunk) and (chunk[start] in MASKS or not _INNER.match(chunk[start].lower())):
        start += 1
    if start + 1 < len(chunk) and chunk[start] == "@":
        start += 1  # a mention (a hashtag's # went with the masks)
    end = len(chunk)
    keep_masks = "*" not in chunk[:start]
    while end > start and not _INNER.match(chunk[end - 1].lower()):
        end -= 1
    while end > start and chunk[end - 1] in MASKS and not keep_masks:
        end -= 1
    while end > start and chunk[end - 1] in "@$€":
        end -= 1
    return chunk[:start], chunk[start:end], chunk[end:]


def _plain_chunk(chunk: str) -> str:
    """A chunk with look-alikes inside a Cyrillic word undone: "з@работок" -> "заработок"."""
    if not _CYRILLIC.search(chunk):
        return chunk
    chunk = _MIXED_DIGIT.sub(lambda m: m.group().translate(VISUAL), chunk)
    return _LATIN.sub(lambda m: m.group().translate(VISUAL), chunk)
