"""One Markdown source -> the text each network shows, counted the way that network counts.

Markdown is converted to HTML once (python-markdown), then walked into one of three forms:
plain text (VK, OK, Facebook, Instagram, X), Telegram's HTML subset, or Max's HTML subset.
Links, lists and emphasis survive as well as each form allows. Pure: no I/O.

Raw HTML in a post passes through python-markdown, so the HTML forms are finally cleaned by
``nh3`` (an allowlist sanitizer that re-parses and balances the tags): only the tags, the
attribute and the link schemes the network accepts are kept, and lengths are counted on that
final text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from publisher.content.xtext import weighted_length
from publisher.core.capabilities import Capabilities
from publisher.core.model import Media, Override, Poll, Post, RenderedPost, TextFormat

if TYPE_CHECKING:
    import markdown

#: Markdown's inline tags -> the tags Telegram's and Max's HTML modes take (the same set)
_MESSENGER_TAGS = {
    "strong": "b",
    "b": "b",
    "em": "i",
    "i": "i",
    "del": "s",
    "s": "s",
    "code": "code",
    "u": "u",
    "ins": "u",
}
_INLINE_TAGS = {"telegram_html": _MESSENGER_TAGS, "max_html": _MESSENGER_TAGS}
_BLOCKS = {"p", "ul", "ol", "pre", "blockquote", "table"}
#: raw HTML whose content is not text to show (python-markdown passes it through)
_HIDDEN = {"script", "style"}
_BULLET = "•"


_CONVERTER_LOCK = threading.Lock()


@lru_cache(maxsize=64)
def markdown_to_html(text: str) -> str:
    """The post's Markdown as HTML (python-markdown with fenced code and sane lists).

    A single line break inside a paragraph is a space, as in any Markdown; end a line with two
    spaces for a visible break. Each network's format is made from this HTML, so the few most
    recent conversions are kept: a post's networks are rendered one after another.
    """
    with _CONVERTER_LOCK:  # one converter, reused: building one per call costs the most
        return _converter().reset().convert(text)


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    """python-markdown, imported on first use: commands that render nothing start faster."""
    import markdown

    return markdown.Markdown(extensions=["fenced_code", "sane_lists"])


def _is_heading(tag: str) -> bool:
    return len(tag) == 2 and tag[0] == "h" and tag[1].isdigit()


class _Walker(HTMLParser):
    """Walks python-markdown's HTML and writes one target format."""

    def __init__(self, fmt: TextFormat) -> None:
        super().__init__(convert_charrefs=True)
        self.fmt = fmt
        self.out: list[str] = []
        self.lists: list[list[int]] = []
        self.links: list[tuple[str, int]] = []
        self.in_pre = False
        self.hidden = 0
        #: open quotes: Telegram refuses a blockquote inside another, so only the outer one is
        self.quotes = 0
        #: a hidden element was just dropped: the spaces around it would double
        self.dropped = False

    @property
    def rich(self) -> bool:
        return self.fmt != "plain"

    def _block_break(self) -> None:
        text = "".join(self.out).rstrip(" ")
        if text and not text.endswith(("\n\n", "<blockquote>")):
            self.out.append("\n" if text.endswith("\n") else "\n\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
            return
        nested_list = tag in ("ul", "ol") and bool(self.lists)
        if (tag in _BLOCKS or _is_heading(tag)) and not nested_list:
            self._block_break()
        if tag in ("ul", "ol"):
            self.lists.append([0 if tag == "ol" else -1])
        elif tag == "li":
            self._start_item()
        elif tag == "br":
            self.out.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.out)))
            if self.rich:
                self.out.append(f'<a href="{html.escape(dict(attrs).get("href") or "")}">')
        elif tag == "pre":
            self.in_pre = True
            if self.rich:
                self.out.append("<pre>")
        elif tag == "blockquote":
            self.quotes += 1
            if self.fmt == "telegram_html" and self.quotes == 1:
                self.out.append("<blockquote>")
        elif _is_heading(tag) and self.rich:
            self.out.append("<b>")
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.out.append(self._escape(alt))
        elif self.rich and tag in _INLINE_TAGS[self.fmt] and not self.in_pre:
            self.out.append(f"<{_INLINE_TAGS[self.fmt][tag]}>")

    def _start_item(self) -> None:
        text = "".join(self.out)
        if text and not text.endswith("\n"):
            self.out.append("\n")
        depth = len(self.lists) - 1
        counter = self.lists[-1] if self.lists else [-1]
        if counter[0] >= 0:
            counter[0] += 1
            marker = f"{counter[0]}."
        else:
            marker = _BULLET
        self.out.append("  " * depth + marker + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            self.dropped = True
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            if not self.lists:
                self._block_break()
        elif tag == "a":
            self._end_link()
        elif tag == "pre":
            self.in_pre = False
            if self.rich:
                self.out.append("</pre>")
            self._block_break()
        elif tag == "blockquote":
            self.quotes = max(0, self.quotes - 1)
            if self.fmt == "telegram_html" and self.quotes == 0:
                self._strip_trailing_newlines()
                self.out.append("</blockquote>")
            self._block_break()
        elif _is_heading(tag):
            if self.rich:
                self.out.append("</b>")
            self._block_break()
        elif tag == "p":
            self._block_break()
        elif self.rich and tag in _INLINE_TAGS[self.fmt] and not self.in_pre:
            self.out.append(f"</{_INLINE_TAGS[self.fmt][tag]}>")

    def _strip_trailing_newlines(self) -> None:
        while self.out and self.out[-1].strip("\n") == "":
            self.out.pop()
        if self.out:
            self.out[-1] = self.out[-1].rstrip("\n")

    def _end_link(self) -> None:
        if not self.links:
            return
        href, start = self.links.pop()
        if self.rich:
            self.out.append("</a>")
            return
        label = "".join(self.out[start:]).strip()
        if href and label != href and not href.startswith("mailto:"):
            self.out.append(f" ({href})")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if not self.in_pre:
            if not data.strip() and "\n" in data:
                return
            data = data.replace("\n", " ")
            after = ("\n", " ") if self.dropped else ("\n",)
            if self.out and self.out[-1].endswith(after):
                data = data.lstrip(" ")
        self.dropped = False
        self.out.append(self._escape(data))

    def _escape(self, text: str) -> str:
        return html.escape(text, quote=False) if self.rich else text

    def result(self) -> str:
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip()


#: the revision of what this module makes of a source: bump it with any change to the texts it
#: renders (``tests/content/test_render.py`` holds a digest of sample renderings to remind you),
#: so that the source hashes recorded before stop vouching for the renderings
RENDERER = 2

#: rendered texts by (Markdown, format) within one run (``cache`` keeps each post's renderings)
RENDERED: dict[tuple[str, str], str] = {}


def render_text(markdown_text: str, fmt: TextFormat) -> str:
    """Markdown -> the text of one format (plain, Telegram HTML or Max HTML); pure, cached."""
    key = (markdown_text, fmt)
    if key not in RENDERED:
        RENDERED[key] = _render_text(markdown_text, fmt)
    return RENDERED[key]


def _render_text(markdown_text: str, fmt: TextFormat) -> str:
    if not markdown_text.strip():
        return ""
    walker = _Walker(fmt)
    walker.feed(markdown_to_html(markdown_text))
    walker.close()
    text = walker.result()
    return text if fmt == "plain" else sanitize_html(text, fmt)


@dataclass(frozen=True)
class HtmlPolicy:
    """What one network's HTML parser accepts; everything else is dropped, its text kept."""

    tags: frozenset[str]
    schemes: frozenset[str]


#: Telegram: the Bot API's "HTML style" (``span class="tg-spoiler"`` and ``tg-emoji`` left out:
#: they need attribute values a post never has). Max: the tags its HTML format keeps [M1].
#: Links only to the web, e-mail and the network's own ``tg://`` or ``max://`` addresses.
HTML_POLICIES: Mapping[str, HtmlPolicy] = {
    "telegram_html": HtmlPolicy(
        frozenset({
            "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "tg-spoiler", "a",
            "code", "pre", "blockquote",
        }),
        frozenset({"http", "https", "mailto", "tg"}),
    ),
    "max_html": HtmlPolicy(
        frozenset({"b", "strong", "i", "em", "u", "ins", "s", "del", "a", "code", "pre", "mark"}),
        frozenset({"http", "https", "mailto", "max"}),
    ),
}  # fmt: skip
#: an ``<a>`` that lost its ``href`` to the sanitizer (nh3 serializes it exactly so)
_BARE_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL)


def sanitize_html(text: str, fmt: TextFormat, link_rel: str | None = None) -> str:
    """``text`` with only the network's tags, balanced, and links with allowed schemes only.

    A link whose address was dropped (``javascript:``, a relative path) becomes its label: the
    networks refuse an ``<a>`` without ``href``. ``&nbsp;`` goes back to the character, as
    Telegram knows only the ``&lt; &gt; &amp; &quot;`` entities. ``link_rel`` is for our own
    pages (the preview site), never for what is sent.
    """
    import nh3

    policy = HTML_POLICIES[fmt]
    clean = nh3.clean(
        text,
        tags=set(policy.tags),
        attributes={"a": {"href"}},
        url_schemes=set(policy.schemes),
        url_relative="deny",
        link_rel=link_rel,
        strip_comments=True,
    )
    return _BARE_LINK.sub(r"\1", clean).replace("&nbsp;", "\u00a0")


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(text: str, fmt: TextFormat) -> str:
    """What the reader sees: HTML formats counted after entity parsing, as Telegram does."""
    if fmt == "plain":
        return text
    parser = _Visible()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def counter(unit: str) -> Callable[[str], int]:
    """The length function a network uses: code points, UTF-16 units, or X's weights."""
    if unit == "utf16":
        return utf16_length
    if unit == "x_weighted":
        return weighted_length
    return lambda text: len(unicodedata.normalize("NFC", text))


def measure(text: str, fmt: TextFormat, unit: str) -> int:
    return counter(unit)(visible_text(text, fmt))


#: the most parts a text is split into for a network that threads; a longer text is an error
MAX_THREAD_PARTS = 99
_SENTENCE_END = re.compile(r"(?<=[.!?…»])\s+|\n+")


def split_thread(text: str, limit: int, count: Callable[[str], int]) -> tuple[str, ...]:
    """Split plain text into numbered parts (``1/3``) at sentence ends, each within ``limit``.

    A text longer than ``MAX_THREAD_PARTS`` parts can hold stays whole (check reports it), so
    the work is bounded whatever the input.
    """
    if count(text) <= limit or count(text) > limit * MAX_THREAD_PARTS:
        return (text,)
    for total_guess in (9, MAX_THREAD_PARTS):
        parts = _pack(
            _pieces(text, limit - 8, count), limit - len(f" {total_guess}/{total_guess}"), count
        )
        if len(parts) <= total_guess or total_guess == MAX_THREAD_PARTS:
            total = len(parts)
            return tuple(f"{part} {i}/{total}" for i, part in enumerate(parts, 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _pieces(text: str, limit: int, count: Callable[[str], int]) -> list[str]:
    """Sentences, and words of any sentence longer than a part."""
    pieces: list[str] = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        if count(sentence) <= limit:
            pieces.append(sentence)
            continue
        pieces.extend(_hard_split(sentence, limit, count))
    return pieces


def _hard_split(sentence: str, limit: int, count: Callable[[str], int]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for word in sentence.split():
        candidate = f"{current} {word}".strip()
        if count(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while count(word) > limit:
            cut = _longest_prefix(word, limit, count)
            chunks.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        chunks.append(current)
    return chunks


def _longest_prefix(word: str, limit: int, count: Callable[[str], int]) -> int:
    """A long prefix of ``word`` within ``limit`` (at least one character), by bisection:
    counting each shorter prefix in turn would be quadratic in the word's length."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if count(word[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _pack(pieces: list[str], limit: int, count: Callable[[str], int]) -> list[str]:
    parts: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}".strip() if current else piece
        if count(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def override_for(post: Post, network: str, account: str = "") -> Override | None:
    """The post's override for one target: the network's, with the account's over it."""
    by_network = post.overrides.get(network)
    by_account = post.overrides.get(account) if account and account != network else None
    if by_account is None or by_network is None:
        return by_account or by_network
    text = by_account.text if by_account.text is not None else by_network.text
    return Override(text, {**by_network.options, **by_account.options})


def source_text(post: Post, network: str, account: str = "") -> str:
    """The Markdown a target gets: its override if any, else the post's body."""
    override = override_for(post, network, account)
    if override is not None and override.text is not None:
        return override.text
    return post.body


def post_options(
    post: Post, network: str, defaults: Mapping[str, Any], account: str = ""
) -> dict[str, Any]:
    """Network options: the config's defaults for the network, then the post's overrides."""
    override = override_for(post, network, account)
    return {**defaults, **(override.options if override else {})}


def render_post(
    post: Post,
    network: str,
    caps: Capabilities,
    defaults: Mapping[str, Any] | None = None,
    account: str = "",
) -> RenderedPost:
    """A post as ``network`` will show it (on ``account``, whose overrides it takes): text
    (split into a thread where the network threads), the media it accepts, the poll if it has
    polls, and the length it counts."""
    fmt = caps.text_format
    text = render_text(source_text(post, network, account), fmt)
    length = measure(text, "plain" if caps.counts_markup else fmt, caps.length_unit)
    parts: tuple[str, ...] = (text,)
    if caps.thread and length > caps.text_limit:
        parts = split_thread(text, caps.text_limit, counter(caps.length_unit))
    media = tuple(m for m in post.media if caps.accepts(m.kind))
    poll = post.poll if caps.polls else None
    options = post_options(post, network, defaults or {}, account)
    return RenderedPost(
        post_id=post.id,
        network=network,
        parts=parts,
        media=media,
        poll=poll,
        options=options,
        length=length,
        limit=caps.text_limit,
        content_hash=content_hash(parts, media_hash(media, poll), options),
        title=post.title,
        text_format=fmt,
        source_hash=source_hash(post, network, caps, defaults, account),
    )


def source_hash(
    post: Post,
    network: str,
    caps: Capabilities,
    defaults: Mapping[str, Any] | None = None,
    account: str = "",
) -> str:
    """Identity of everything ``render_post`` makes the content hash from: the Markdown, the
    media and poll the network takes, the options, the capabilities that shape the text, and
    ``RENDERER``. Cheap: nothing is rendered. An equal source hash means an equal rendering, so
    a plan that is only shown need not render a post whose result file records the same one."""
    media = tuple(m for m in post.media if caps.accepts(m.kind))
    poll = post.poll if caps.polls else None
    options = post_options(post, network, defaults or {}, account)
    parts = (  # each of a fixed form but the last, so that joined they read one way only
        str(RENDERER),
        hashlib.sha256(source_text(post, network, account).encode()).hexdigest(),
        f"{caps.text_format} {caps.text_limit} {caps.length_unit} {caps.thread}",
        media_hash(media, poll) if media or poll else "",
        json.dumps(options, ensure_ascii=False, sort_keys=True, default=str) if options else "",
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def content_hash(parts: tuple[str, ...], media_digest: str, options: Mapping[str, Any]) -> str:
    """Identity of what a network shows: text parts, media and poll, options."""
    payload = json.dumps(
        [parts, media_digest, options], ensure_ascii=False, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def media_hash(media: tuple[Media, ...], poll: Poll | None) -> str:
    """Identity of media and poll: a change here cannot be an edit in place."""
    payload = json.dumps(
        [
            [(m.sha256, m.kind, m.alt) for m in media],
            [poll.question, list(poll.options), poll.multiple] if poll else None,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def rendered_media_hash(post: RenderedPost) -> str:
    return media_hash(post.media, post.poll)
