"""X's text rules: the length X counts (twitter-text v3), where its URLs are, and how a
rendered post becomes a thread.

The renderer splits a long text with ``weighted_length``, the site previews ``thread_items``,
and the X adapter sends what ``thread_items`` gives and finds its posts by ``comparable_text``.
These rules are X's, not its API's, so they live in the content layer, below both the renderer
and the adapter. References: X1 = shared/reference/networks-meta-x.md section 3, S# its sources.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from publisher.core.capabilities import NETWORK_TABLE
from publisher.core.model import RenderedPost

#: X's limit for non-Premium accounts, in weighted length (the capability table's)
TEXT_LIMIT = NETWORK_TABLE["x"].capabilities.text_limit

# ---------------------------------------------------------------------------------------------
# Weighted length (twitter-text v3) [verified: X1 "Limits", S13]

#: code point ranges that weigh 1; everything else weighs 2
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
URL_WEIGHT = 23
EMOJI_WEIGHT = 2
HEAVY_WEIGHT = 2
INVALID_CHARS = frozenset("\ufffe\ufeff\uffff")

#: ASCII country-code TLDs of twitter-text's validCCTLD [verified: S13]
_CC_TLD_NAMES = """ac ad ae af ag ai al am an ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj
    bl bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz
    de dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn
    gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh
    ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo
    mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl
    pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st su
    sv sx sy sz tc td tf tg th tj tk tl tm tn to tp tr tt tv tw tz ua ug uk um us uy uz va vc ve
    vg vi vn vu wf ws ye yt za zm zw"""
#: the generic TLDs a Russian city's texts plausibly contain; twitter-text knows ~1,400, and a
#: scheme-less domain on a TLD missing here counts by its characters [decided: approximation]
_GENERIC_TLD_NAMES = """aero app art asia biz blog cafe center city click cloud club com coop
    dev digital edu email expert express finance fun gallery games global gov group guide health
    help info int jobs legal life link live media mil mobi moscow museum name net network news
    one online org page photo photos plus press pro school science services shop site social
    space store studio support team tech today top travel video website wiki work works world
    xyz yandex zone"""
_TLDS = frozenset(_CC_TLD_NAMES.split()) | frozenset(_GENERIC_TLD_NAMES.split())
_TRAILING_PUNCTUATION = ".,:;!?'\")]}»…"
#: what a URL's path and query may hold (twitter-text's validGeneralUrlPathChars and
#: validUrlQueryChars: ASCII, Latin accents, Cyrillic); an emoji or a CJK character ends the URL
_URL_TAIL = (
    r"(?:[/?#][a-z0-9\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff!*';:=+,.$/%#\[\]\-\u2013_~&|@?()]*)?"
)
_SCHEME_URL = re.compile(
    r"https?://(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?::\d{1,5})?" + _URL_TAIL,
    re.IGNORECASE,
)
# twitter-text refuses a scheme-less URL after these characters (validUrlPrecedingChars and
# invalidUrlWithoutProtocolPrecedingChars) and takes only ASCII domains [verified: S13]
_BARE_URL = re.compile(
    r"(?<![A-Za-z0-9@$#＠＃.\-_/])"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+([A-Za-z]{2,}))"
    r"(?![0-9A-Za-z@+-])"
    r"(?::\d{1,5})?" + _URL_TAIL,
    re.IGNORECASE,
)
_EMOJI_BASE = (
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u203c\u2049\u2122\u2139"
    "\u2194-\u21aa\u3030\u303d\u3297\u3299]|[\u00a9\u00ae]\ufe0f?"
)
_EMOJI_MODIFIERS = "(?:\ufe0f|[\U0001f3fb-\U0001f3ff]|\u20e3|[\U000e0020-\U000e007f])*"
# an emoji sequence (flags, keycaps, ZWJ families, skin tones) weighs 2 as a whole; this is an
# approximation of twitter-text's emoji regex [decided]
_EMOJI = re.compile(
    "[\U0001f1e6-\U0001f1ff]{2}"
    "|[0-9#*]\ufe0f?\u20e3"
    f"|(?:{_EMOJI_BASE}){_EMOJI_MODIFIERS}(?:\u200d(?:{_EMOJI_BASE}){_EMOJI_MODIFIERS})*"
)


def url_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` has URLs as X counts them: with a scheme, or bare ASCII domains."""
    spans = [_trimmed(m.start(), m.group()) for m in _SCHEME_URL.finditer(text)]
    for match in _BARE_URL.finditer(text):
        if match.group(2).lower() not in _TLDS:
            continue
        span = _trimmed(match.start(), match.group())
        if not any(start <= span[0] < end for start, end in spans):
            spans.append(span)
    return sorted(spans)


def _trimmed(start: int, url: str) -> tuple[int, int]:
    """A URL's span without the punctuation that ends the sentence around it."""
    return start, start + len(url.rstrip(_TRAILING_PUNCTUATION))


def weighted_length(text: str) -> int:
    """The length X counts against its 280 limit (twitter-text v3).

    NFC first; a code point in the light ranges weighs 1, any other 2; an emoji sequence weighs
    2; every URL weighs 23 whatever its length [verified: X1 "Limits"].
    """
    normalized = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for start, end in url_spans(normalized):
        total += _text_weight(normalized[position:start]) + URL_WEIGHT
        position = end
    return total + _text_weight(normalized[position:])


def _text_weight(text: str) -> int:
    total = 0
    position = 0
    for match in _EMOJI.finditer(text):
        total += _chars_weight(text[position : match.start()]) + EMOJI_WEIGHT
        position = match.end()
    return total + _chars_weight(text[position:])


def _chars_weight(text: str) -> int:
    return sum(1 if _is_light(ord(char)) else HEAVY_WEIGHT for char in text)


def _is_light(code: int) -> bool:
    return any(low <= code <= high for low, high in _LIGHT_RANGES)


def replace_urls(text: str, replacement: Callable[[str], str]) -> str:
    """``text`` with each URL X would count replaced (X shows them as t.co links)."""
    pieces: list[str] = []
    position = 0
    for start, end in url_spans(text):
        pieces += [text[position:start], replacement(text[start:end])]
        position = end
    return "".join([*pieces, text[position:]])


# ---------------------------------------------------------------------------------------------
# Threads


@dataclass(frozen=True)
class ThreadItem:
    """One post of a thread as it will be sent: its text and what it carries."""

    text: str
    media: bool = False
    poll: bool = False


def thread_items(post: RenderedPost) -> list[ThreadItem]:
    """The posts that make ``post`` on X, in order (see the module docstring for polls)."""
    items = [ThreadItem(text) for text in post.parts or ("",)]
    if post.media:
        items[0] = ThreadItem(items[0].text, media=True)
    if post.poll is None:
        return items
    question = post.poll.question.strip()
    first = items[0].text
    joined = f"{first}\n\n{question}".strip() if question not in first else first
    if len(items) == 1 and not post.media and weighted_length(joined) <= TEXT_LIMIT:
        return [ThreadItem(joined, poll=True)]
    return [*items, ThreadItem(question, poll=True)]


def comparable_text(text: str) -> str:
    """Text as ``find`` compares it: X HTML-escapes text, turns URLs into t.co links and adds a
    link to attached media, so entities are undone and links dropped."""
    plain = unicodedata.normalize("NFC", html.unescape(text))
    return " ".join(replace_urls(plain, lambda url: " ").split())
