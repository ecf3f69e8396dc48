"""``publisher new``: a post bundle from a template, named after its title."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from pathlib import Path

from publisher.content.skeleton import TEMPLATE
from publisher.core.config import load_config
from publisher.core.errors import ConfigError
from publisher.core.i18n import _

_LATIN = [
    "a",
    "b",
    "v",
    "g",
    "d",
    "e",
    "e",
    "zh",
    "z",
    "i",
    "y",
    "k",
    "l",
    "m",
    "n",
    "o",
    "p",
    "r",
    "s",
    "t",
    "u",
    "f",
    "kh",
    "ts",
    "ch",
    "sh",
    "shch",
    "-",
    "y",
    "-",
    "e",
    "yu",
    "ya",
]
_TRANSLIT = {
    cyr: ("" if lat == "-" else lat)
    for cyr, lat in zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True)
}


#: an ``id:`` line of a front matter, its value unquoted
_ID_LINE = re.compile(r"""^id:[ \t]*["']?([^"'\s#]+)""", re.MULTILINE)


def slugify(title: str) -> str:
    """A folder name from a title: ``Ёлка на площади`` -> ``elka-na-ploshchadi``."""
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in title.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")
    return slug[:60].strip("-") or "post"  # a valid id too: ^[a-z0-9][a-z0-9-]{0,99}$


def _ids_in(content: Path) -> set[str]:
    """The ``id:`` of every post under ``content`` (ids made from paths have a slash, so they
    never equal a slug)."""
    ids = set()
    for path in content.rglob("*.md"):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            match = _ID_LINE.search(path.read_text(encoding="utf-8"))
            if match:
                ids.add(match.group(1))
    return ids


def new_post(repo: Path, title: str, day: str | None = None) -> Path:
    """Create ``content/YYYY/MM/<slug>/index.md``; never overwrite an existing post."""
    if not title.strip():
        raise ConfigError(_("The title is empty."), _('Run: publisher new "Title of the post"'))
    config, _problems = load_config(repo)
    try:
        when = date.fromisoformat(day) if day else date.today()
    except ValueError:
        raise ConfigError(
            _("Cannot read the date '{day}'.", day=day), _("Use YYYY-MM-DD.")
        ) from None
    base = repo / config.content_dir / f"{when:%Y}" / f"{when:%m}"
    slug = slugify(title)
    taken = _ids_in(repo / config.content_dir)
    name, number = slug, 2
    while (base / name).exists() or name in taken:
        name = f"{slug}-{number}"
        number += 1
    folder = base / name
    folder.mkdir(parents=True)
    text = TEMPLATE.format(
        id=name,
        title=title.replace('"', "'"),
        networks=", ".join(config.default_networks),
        day=when.isoformat(),
    )
    path = folder / "index.md"
    path.write_text(text, encoding="utf-8")
    return path
