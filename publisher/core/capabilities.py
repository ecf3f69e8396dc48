"""What each network can do, as data (``Capabilities``): check, plan, render, the README and
the sandbox read it. Kept apart from the adapters so that reading it needs no HTTP client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from publisher.core.model import MediaKind, TextFormat

LengthUnit = Literal["chars", "utf16", "x_weighted"]

#: ``settings:`` keys every network takes: ``handle``, the name shown on the preview site
COMMON_SETTINGS = frozenset({"handle"})


@dataclass(frozen=True)
class MediaRules:
    """What one kind of media may be on a network."""

    max_bytes: int
    formats: frozenset[str] = frozenset()
    max_side_sum: int = 0
    max_side: int = 0
    #: longest side / shortest side, whatever the orientation (0 = any)
    max_aspect: float = 0.0
    #: allowed width / height, from portrait to landscape (Instagram: 0.8 to 1.91; 0 = any)
    aspect_range: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class Capabilities:
    """What a network can do, as data: check, plan, render and the README table read it."""

    text_format: TextFormat
    text_limit: int
    length_unit: LengthUnit = "chars"
    #: the limit applies to the text as sent, markup included (Max), not to what readers see
    counts_markup: bool = False
    #: one post may mix videos with photos (Facebook: one video, or photos)
    mixed_media: bool = True
    caption_limit: int = 0
    thread: bool = False
    media: Mapping[MediaKind, MediaRules] = field(default_factory=dict)
    max_media: int = 10
    requires_media: bool = False
    polls: bool = False
    poll_max_options: int = 10
    poll_option_limit: int = 100
    poll_question_limit: int = 300
    can_edit: bool = False
    edit_window_hours: float = 0.0
    can_delete: bool = True
    delete_window_hours: float = 0.0
    silent: bool = False
    link_preview: bool = False
    comments: bool = False
    messages: bool = False
    delete_comment: bool = False
    restore_comment: bool = False
    hide_comment: bool = False
    ban: bool = False
    #: how long a ban can last; 0 = only for good (or, with ``ban`` False, none)
    max_ban_days: int = 0
    #: the network bans only while deleting a comment (OK's ``block_author``)
    ban_deletes_comment: bool = False
    reply: bool = False
    profile: frozenset[str] = frozenset()
    #: profile fields the network has at all (the rest of them a person sets by hand)
    profile_fields: frozenset[str] = frozenset(
        {"title", "description", "website", "avatar", "cover"}
    )
    #: where a person changes what ``profile`` lacks; ``{id}`` and ``{username}`` are filled in
    settings_url: str = ""
    #: the keys an account file may set under ``settings:``; ``check`` refuses any other. None
    #: of them decides where a request goes: API hosts are fixed in each adapter's code
    settings: frozenset[str] = COMMON_SETTINGS
    requests_per_second: float = 3.0
    #: the documented limit counts calls over this many seconds (Telegram: 20 in 60)
    rate_window: float = 1.0
    can_find: bool = False

    def accepts(self, kind: MediaKind) -> bool:
        return kind in self.media
