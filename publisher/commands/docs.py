"""Generated parts of the README, so they cannot drift from the code (``make docs``)."""

from __future__ import annotations

import re
from pathlib import Path

from publisher.content.check import duration_label
from publisher.core.capabilities import GB, MB, NETWORK_TABLE, Capabilities, MediaRules
from publisher.core.i18n import _, set_language
from publisher.core.model import MediaKind
from publisher.networks import adapter_class

TABLE_START = "<!-- capabilities:start -->"
TABLE_END = "<!-- capabilities:end -->"
MEDIA_START = "<!-- media:start -->"
MEDIA_END = "<!-- media:end -->"
TOKENS_START = "<!-- tokens:start -->"
TOKENS_END = "<!-- tokens:end -->"

_YES, _NO = "да", "—"


def _flag(value: bool) -> str:
    return _YES if value else _NO


def _media(caps: Capabilities) -> str:
    names = {"photo": "фото", "video": "видео", "animation": "GIF", "document": "документы"}
    kinds = [names[k] for k in ("photo", "video", "animation", "document") if k in caps.media]
    return ", ".join(kinds) + f" (до {caps.max_media})" if kinds else _NO


def _window(value: bool, hours: float) -> str:
    if not value:
        return _NO
    return f"да, {int(hours)} ч" if hours else _YES


def _text(caps: Capabilities) -> str:
    unit = {"chars": "символов", "utf16": "UTF-16", "x_weighted": "взвеш."}[caps.length_unit]
    thread = ", цепочкой" if caps.thread else ""
    return f"{caps.text_limit} {unit}{thread}"


def capability_table() -> str:
    """What every network can do, read from the capability table."""
    header = (
        "| Сеть | Текст | Формат | Медиа | Опросы | Правка | Удаление | Комментарии | "
        "Бан | Репост | Профиль |\n|---|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = []
    for name, spec in NETWORK_TABLE.items():
        caps = spec.capabilities
        comments = "удалить" if caps.delete_comment else ""
        comments += (", " if comments and caps.hide_comment else "") + (
            "скрыть" if caps.hide_comment else ""
        )
        rows.append(
            f"| {spec.title} (`{name}`) | {_text(caps)} | {caps.text_format} | {_media(caps)} | "
            f"{_flag(caps.polls)} | {_window(caps.can_edit, caps.edit_window_hours)} | "
            f"{_window(caps.can_delete, caps.delete_window_hours)} | {comments or _NO} | "
            f"{_flag(caps.ban)} | {_flag(caps.repost)} | {', '.join(sorted(caps.profile)) or _NO} |"
        )
    return "\n".join([header, *rows])


def media_table() -> str:
    """What each network takes of each kind of media: size, formats, a video's length."""
    kinds: tuple[MediaKind, ...] = ("photo", "video", "animation", "document")
    header = "| Сеть | Фото | Видео | GIF | Документы |\n|---|---|---|---|---|"
    rows = []
    for name, spec in NETWORK_TABLE.items():
        media = spec.capabilities.media
        cells = [_media_rules(media[kind]) if kind in media else _NO for kind in kinds]
        rows.append(f"| {spec.title} (`{name}`) | " + " | ".join(cells) + " |")
    return "\n".join([header, *rows])


def _media_rules(rules: MediaRules) -> str:
    size = rules.max_bytes
    parts = [f"до {size // GB} ГБ" if size % GB == 0 else f"до {size // MB} МБ"]
    if rules.formats:
        parts.append(", ".join(sorted(rules.formats)))
    length = [f"от {duration_label(rules.min_seconds)}"] if rules.min_seconds else []
    length += [f"до {duration_label(rules.max_seconds)}"] if rules.max_seconds else []
    return "; ".join([*parts, " ".join(length)] if length else parts)


def token_help() -> str:
    """How to obtain each network's token with the least rights (from the adapters)."""
    parts = []
    for name, spec in NETWORK_TABLE.items():
        help_text = _(adapter_class(name).token_help).strip()
        parts.append(f"- **{spec.title}** (`{name}`): {help_text}")
    return "\n".join(parts)


def replace_block(text: str, start: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    return pattern.sub(lambda _m: f"{start}\n{body}\n{end}", text)


def update_readme(path: Path) -> bool:
    """Rewrite the generated blocks of the README; return True if anything changed."""
    old = path.read_text(encoding="utf-8")
    new = replace_block(old, TABLE_START, TABLE_END, capability_table())
    new = replace_block(new, MEDIA_START, MEDIA_END, media_table())
    new = replace_block(new, TOKENS_START, TOKENS_END, token_help())
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


if __name__ == "__main__":
    set_language("ru")
    update_readme(Path("README.md"))
