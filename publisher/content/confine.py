"""Which files a post or an account may publish: only its own, and only what they claim to be.

``apply`` runs with every network token, and a post names its media by path. A path such as
``../../.git/config`` (which holds a forge token on GitLab, or with ``persist-credentials``), a
symlink to ``/etc/passwd`` or a ``.env`` file would otherwise be uploaded to the networks and
copied to the site. So a file must resolve, symlinks included, inside one of the folders it is
allowed to come from (a post's own folder or the configured media folder; ``design/`` for an
account's images) with no dot-named part on the way, and its first bytes must say it is what its
kind claims: an image decodes, a document is a PDF or an Office/OpenDocument file.

The loader reports a file that breaks these rules at its line; ``verified`` checks again where a
file is read for upload or copying, so a path that escaped is never read even if the check was
skipped.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from publisher.core.errors import PublisherError
from publisher.core.i18n import _
from publisher.core.model import Media

#: image formats Pillow may decode for us (JPEG includes MPO); none runs an external program
IMAGE_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
#: the first bytes of each video container we publish: (offset, signature)
_VIDEO_SIGNATURES = ((4, b"ftyp"), (0, b"\x1aE\xdf\xa3"), (8, b"AVI "))
_PDF = b"%PDF-"
_ZIP = b"PK\x03\x04"
#: a member every Office Open XML (DOCX, XLSX) or OpenDocument (ODT, ODS) file has
_OFFICE_MEMBERS = ("[Content_Types].xml", "mimetype")


class MediaEscaped(PublisherError):
    """A media file is not where loading confined it: it is never read."""


def confined(base: Path, name: str, roots: Sequence[Path]) -> tuple[Path, Path] | None:
    """``name`` (relative to ``base``) resolved, with the root it lies in; None if it is
    absolute, has a dot-named part, or resolves (symlinks followed) outside every root. A root
    that is itself a symlink (``design -> /usr/share``) holds nothing."""
    raw = PurePosixPath(name)
    if raw.is_absolute() or _hidden(raw.parts):
        return None
    try:
        target = (base / name).resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a symlink loop
        return None
    for root in roots:
        if root.is_symlink():  # a folder linked elsewhere would move the boundary with it
            continue
        real_root = root.resolve()
        inside = target != real_root and target.is_relative_to(real_root)
        if inside and not _hidden(target.relative_to(real_root).parts):
            return target, real_root
    return None


def _hidden(parts: Sequence[str]) -> bool:
    """A dot-named part (``.git``, ``.env``); ``..`` is judged by where the path resolves."""
    return any(part.startswith(".") and part != ".." for part in parts)


def verified(media: Media) -> Path:
    """``media.path`` if it is still a regular file inside ``media.root``; raise otherwise.

    Called where a file is read for upload or copying: a ``Media`` not made by the loader (no
    root), a path that resolves elsewhere now, or a dot-named part is refused.
    """
    path, root = media.path, media.root
    if (
        root is None
        or not path.is_relative_to(root)
        or confined(root, path.relative_to(root).as_posix(), (root,)) != (path, root)
    ):
        raise MediaEscaped(
            _("The file '{file}' is outside the folders a post may publish from.", file=media.rel)
        )
    if not path.is_file():
        raise MediaEscaped(_("The media file '{file}' does not exist.", file=media.rel))
    return path


def content_problem(path: Path, kind: str) -> str | None:
    """Why the file's bytes are not a ``kind`` file (images are judged by decoding), or None."""
    if kind == "document":
        return None if _is_document(path) else _("It is not a PDF, DOCX, XLSX or ODT file.")
    if kind == "video":
        head = _head(path, 16)
        if any(head[offset : offset + len(sig)] == sig for offset, sig in _VIDEO_SIGNATURES):
            return None
        return _("It is not an MP4, MOV, WebM or AVI video.")
    return None


def _head(path: Path, size: int) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _is_document(path: Path) -> bool:
    head = _head(path, len(_PDF))
    if head.startswith(_PDF):
        return True
    if not head.startswith(_ZIP):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return any(member in names for member in _OFFICE_MEMBERS)
