"""Every network as data: its title and what it can do (``NETWORK_TABLE``).

Check, plan, render, the reports, the README and the adapters themselves read this one table,
so nothing needs to load an adapter (and its HTTP client) to learn a title or a limit. The
bracketed notes say how sure each number is: ``[verified: …]`` names the source in
shared/reference/ (networks-ru.md, networks-meta-x.md) that states it, ``[uncertain]`` marks our
best reading where the sources are silent or disagree, ``[decided]`` our own choice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from publisher.core.i18n import N_
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
    #: a video's shortest and longest play time in seconds (0 = no limit); check judges only
    #: videos whose header states their length (``Media.seconds``)
    min_seconds: float = 0.0
    max_seconds: float = 0.0


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
    #: a post one of our accounts published can be reposted onto another of our accounts on
    #: the network (``repost_from:``), rather than published there afresh
    repost: bool = False
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
    #: the network counts the limit above per account (Telegram: per chat), not per token, so
    #: accounts that share a token do not share it; they share ``token_requests_per_second``
    rate_per_account: bool = False
    #: with ``rate_per_account``: what one token may send across all its accounts (Telegram:
    #: 30 messages a second per bot); 0: no such limit
    token_requests_per_second: float = 0.0
    can_find: bool = False
    #: the reach figures the API gives (``core.figures``: views, reach, reactions, reposts,
    #: comments per post; followers per account); ``stats collect`` reads these and no others
    stats: frozenset[str] = frozenset()
    #: why the post figures missing from ``stats`` cannot be read (a message id, English)
    stats_gap: str = ""
    #: a contest can count who reposted a post (VK ``wall.getReposts``)
    reads_reposts: bool = False
    #: a contest can count who voted in a post's poll (VK ``polls.getVoters``, public polls)
    reads_voters: bool = False
    #: a broadcast can be created through the API, with a stream key (VK ``video.startStreaming``)
    live: bool = False

    def accepts(self, kind: MediaKind) -> bool:
        return kind in self.media

    @property
    def contest_entries(self) -> frozenset[str]:
        """The contest entries this network's API lets us read (``Contest.entry``): comments
        wherever comments are read, reposts and votes where declared."""
        kinds = {"comment"} if self.comments else set()
        kinds |= {"repost"} if self.reads_reposts else set()
        kinds |= {"poll"} if self.reads_voters else set()
        return frozenset(kinds)


@dataclass(frozen=True)
class NetworkSpec:
    """One row of the table: the network's name as people know it, and what it can do."""

    title: str
    capabilities: Capabilities


MB = 1024 * 1024
GB = 1024 * MB

_VK = Capabilities(
    text_format="plain",
    # ≈16384 characters [uncertain: reference "Limits"]; the emulator enforces the same
    text_limit=16384,
    media={
        # [verified: V2 upload/wall-photo] JPG/PNG/GIF, ≤50 MB, w+h ≤14000, aspect ≤20:1
        "photo": MediaRules(
            max_bytes=50 * MB,
            formats=frozenset({"JPEG", "PNG", "GIF"}),
            max_side_sum=14000,
            max_aspect=20.0,
        ),
        # VK accepts video files up to 256 GB [uncertain: VK's own announcements, not the
        # API reference]; containers AVI/MP4/3GP/MPEG/MOV/FLV/WMV are not Pillow formats. No
        # length limit is documented (V2 video.save) [uncertain]: none is checked
        "video": MediaRules(max_bytes=256 * GB),
        # a GIF goes up as a document so it stays animated; documents ≤200 MB [uncertain:
        # V3 doc comment]
        "animation": MediaRules(max_bytes=200 * MB, formats=frozenset({"GIF"})),
        "document": MediaRules(max_bytes=200 * MB),
    },
    # ≈10 media attachments plus one link [uncertain: reference "Limits"]
    max_media=10,
    polls=True,
    poll_max_options=10,  # 1–10 answers [verified: V1 polls.create]
    # question and answer lengths are not documented [uncertain]: the common defaults
    poll_option_limit=100,
    poll_question_limit=300,
    can_edit=True,
    # an edit window for published community posts is not documented [uncertain]: none
    edit_window_hours=0.0,
    can_delete=True,
    silent=True,  # wall.post mute_notifications [verified: V2 wall.post]
    # VK builds a snippet from an attached link; there is no switch to turn previews off
    link_preview=False,
    comments=True,  # wall.getComments with the user token [verified: V1]
    # the community's inbox: messages.getConversations/getHistory/send with the community
    # token and its "messages" right [verified: V1 schema, token types user/group]
    messages=True,
    delete_comment=True,  # wall.deleteComment [verified: V1]
    restore_comment=True,  # wall.restoreComment [verified: V1]
    hide_comment=False,  # VK has no way to hide a wall comment
    ban=True,  # groups.ban, for good or until end_date [verified: V2]
    # ``groups.ban`` takes an ``end_date`` at most a year ahead [verified: V2 groups.ban]
    max_ban_days=365,
    reply=True,  # wall.createComment from_group / messages.send [verified: V1]
    # wall.repost object=wall-<gid>_<pid> group_id=<target>, user token only [verified: V1
    # schema]; that it lands as the community's post, not the user's, is [uncertain]
    repost=True,
    # groups.edit (title, description, website), owner photo and cover uploads [verified: V1]
    profile=frozenset({"description", "title", "website", "avatar", "cover"}),
    # the community's own settings page; ``{id}`` is the community id (digits)
    settings_url="https://vk.com/club{id}?act=edit",
    requests_per_second=3.0,  # ≤3 req/s per user token [verified: V3, V6]
    # wall.getById gives views.count, likes.count, reposts.count, comments.count [verified:
    # V1 schema]; stats.getPostReach reach_total needs a community administrator's token
    # (communities of 5000+ members or official ones, the last 300 posts) [uncertain: third-
    # party clients and docs only]; groups.getById fields=members_count [verified: V1]
    stats=frozenset({"views", "reach", "reactions", "reposts", "comments", "followers"}),
    can_find=True,
    # wall.getReposts owner_id, post_id, offset, count ≤1000 → items, profiles [uncertain: the
    # method is long-standing but not in the reference; checked against public client code]
    reads_reposts=True,
    # polls.getVoters owner_id, poll_id, answer_ids, offset, count → per answer {users: {count,
    # items}}; public polls only, and polls.create makes a public poll unless is_anonymous=1
    # [verified: reference polls.create; getVoters uncertain]
    reads_voters=True,
    # video.startStreaming (group_id, name, description, wallpost) → video_id, owner_id and the
    # RTMP address with its key; video.stopStreaming ends it [uncertain: announced by VK in
    # 2022, the answer's stream fields are not in the reference]
    live=True,
)

_TELEGRAM = Capabilities(
    text_format="telegram_html",
    text_limit=4096,  # 1–4096 characters after entity parsing [verified: T1]
    # Telegram counts in UTF-16 code units [uncertain: the Bot API docs say "characters"]
    length_unit="utf16",
    caption_limit=1024,  # [verified: T1]
    media={
        # multipart uploads: photo ≤10 MB, w+h ≤10000, ratio ≤20 [verified: T1, T5]
        "photo": MediaRules(
            max_bytes=10 * MB,
            formats=frozenset({"JPEG", "PNG", "WEBP"}),
            max_side_sum=10000,
            max_aspect=20.0,
        ),
        # other files ≤50 MB [verified: T1, T5]; the Bot API states no length limit for
        # sendVideo beyond the size [verified: T1]
        "video": MediaRules(max_bytes=50 * MB),
        "animation": MediaRules(max_bytes=50 * MB),
        "document": MediaRules(max_bytes=50 * MB),
    },
    max_media=10,  # an album holds 2–10 items [verified: T1]
    polls=True,
    poll_max_options=12,  # [verified: T1 10.1]
    poll_option_limit=100,
    poll_question_limit=300,
    can_edit=True,  # channel posts have no edit window [verified: T1]
    can_delete=True,
    delete_window_hours=48.0,  # deleteMessage: only messages < 48 h old [verified: T1]
    silent=True,  # disable_notification
    link_preview=True,  # link_preview_options.is_disabled
    comments=True,  # through the channel's linked discussion group [verified: T1]
    messages=True,  # private chats with the bot arrive as updates [verified: T1]
    delete_comment=True,  # deleteMessage in the group, < 48 h [verified: T1]
    hide_comment=False,  # the Bot API cannot hide a message [verified: T1]
    ban=True,  # banChatMember / banChatSenderChat in the discussion group [verified: T1]
    # banChatMember: an until_date < 30 s or > 366 days ahead bans for good [verified: T1]
    max_ban_days=366,
    reply=True,  # sendMessage with reply_parameters, as the bot
    # forwardMessage chat_id, from_chat_id, message_id: the bot must be in both channels
    # [verified: T1]
    repost=True,
    # setChatTitle, setChatDescription, setChatPhoto; channels have no cover or website
    profile=frozenset({"title", "description", "avatar"}),
    profile_fields=frozenset({"title", "description", "avatar"}),
    # no settings page on the web: the channel's link opens it in the app
    settings_url="https://t.me/{username}",
    # ≈1 message/s per chat, but ≤20 a minute in a group or channel [verified: T3, T4]:
    # pacing at the minute limit avoids a storm of 429 answers
    requests_per_second=20 / 60,
    rate_window=60.0,
    # the 20 a minute are per chat (channels: assumed [uncertain]); a bot sends ≈30 messages
    # a second in all [verified: T3 FloodLimit, T4]
    rate_per_account=True,
    token_requests_per_second=30.0,
    # a bot reads no view counts of channel posts (views show in the app only); members:
    # getChatMemberCount [verified: T1]
    stats=frozenset({"followers"}),
    stats_gap=N_(
        "Telegram bots cannot read views, reactions or reposts of channel posts: see them "
        "in the channel's statistics in the app."
    ),
    can_find=False,
)

_OK = Capabilities(
    text_format="plain",
    # post text length is not documented [uncertain]; 32000 characters is our setting, generous
    # for a press release and kept in step with the sandbox's limit
    text_limit=32000,
    media={
        # photo size and formats are not documented for photosV2 [uncertain]: we accept what
        # every OK client uploads (JPEG, PNG, GIF) up to 20 MB
        "photo": MediaRules(20 * MB, frozenset({"JPEG", "PNG", "GIF"})),
        "animation": MediaRules(20 * MB, frozenset({"GIF"})),
        # one file up to 2 GB [verified: O1 video upload example]; no length limit documented
        "video": MediaRules(2 * GB),
    },
    max_media=10,  # media per topic: not documented [uncertain]; 10 like the other networks
    polls=True,
    # poll limits: not documented [uncertain]; conservative values
    poll_max_options=10,
    poll_option_limit=100,
    poll_question_limit=255,
    # mediatopic.edit is only seen in one client [uncertain: O3]: the planner replaces
    can_edit=False,
    can_delete=True,
    link_preview=True,  # mediatopic.post text_link_preview [verified: O1, O2]
    comments=True,  # discussions.getComments [verified: O2, O3]
    messages=False,  # no direct-message API for a group with our tokens
    delete_comment=True,  # discussions.deleteDiscussionComment [verified: O2]
    hide_comment=False,  # OK cannot hide a comment
    # no group-ban method: deleting a comment with block_author bans, for good [verified: O2]
    ban=True,
    max_ban_days=0,
    ban_deletes_comment=True,  # block_author on deleteDiscussionComment [verified: O2]
    # discussions.addDiscussionComment with as_admin [verified: O2 2017 docs; uncertain
    # whether apiok.ru still lists it]
    reply=True,
    profile=frozenset({"avatar"}),  # group.setMainPhoto; no description/cover API [O2]
    # where a person changes the group's name, description and cover (``{id}``: the group id)
    settings_url="https://ok.ru/group/{id}/settings",
    settings=COMMON_SETTINGS | {"application_key"},
    requests_per_second=3.0,  # not documented [uncertain]
    # mediatopic.getByIds: like_summary.count, reshare_summary.count,
    # discussion_summary.comments_count [uncertain: seen in public clients, not in apiok.ru];
    # views are not in the topic [uncertain]; group.getInfo fields=members_count [uncertain]
    stats=frozenset({"reactions", "reposts", "comments", "followers"}),
    stats_gap=N_("Odnoklassniki's API gives no views of a group's topic."),
    can_find=False,  # no documented listing of a group's topics
)

#: an image may be at most 7680×7680 px [verified: M1]
_MAX_IMAGE_SIDE = 7680

_MAX = Capabilities(
    text_format="max_html",
    # ≤4000 characters [verified: M1]; the server says "Field 'text' size (N) must be at
    # most 4000", a Java string size, i.e. UTF-16 units [uncertain]
    text_limit=4000,
    length_unit="utf16",
    counts_markup=True,
    media={
        # image formats of ``POST /uploads?type=image``: JPG, PNG, GIF, TIFF, BMP, HEIC
        # [verified: M1]; WEBP is not listed, so it is not accepted here. Pillow names HEIC
        # "HEIF" (pillow-heif).
        "photo": MediaRules(
            max_bytes=50 * MB,
            formats=frozenset({"JPEG", "PNG", "GIF", "TIFF", "BMP", "HEIF"}),
            max_side=_MAX_IMAGE_SIDE,
        ),
        # ≤250 MB, MP4/MOV/MKV/WEBM [verified: M1]: containers Pillow cannot name; M1 limits
        # the length of audio (60 min), not of video: none is checked
        "video": MediaRules(max_bytes=250 * MB),
        # a GIF goes up as an image (Max plays GIFs), an MP4 animation as a video; the
        # image limit is the stricter of the two
        "animation": MediaRules(max_bytes=50 * MB, max_side=_MAX_IMAGE_SIDE),
        "document": MediaRules(max_bytes=4 * GB),  # ≤4 GB [verified: M1]
    },
    # attachments per message are not documented [uncertain]: ten, like an album elsewhere
    max_media=10,
    polls=False,  # Max has no poll attachment [verified: M1, M2]
    can_edit=True,  # channel posts are editable at any age [verified: M1 PUT /messages]
    can_delete=True,
    silent=True,  # notify: false [verified: M1]
    link_preview=True,  # disable_link_preview [verified: M1]
    # channel comments: GET/POST/DELETE /messages/{mid}/comments exist only in the TS
    # client since 2026-08, not in the schema [uncertain: M2 only]; without them nothing
    # could be read or answered at all
    comments=True,
    # long polling GET /updates is "not for production" and a webhook needs a public
    # HTTPS endpoint, which a CLI run from CI does not have [verified: M1]
    messages=False,
    delete_comment=True,  # DELETE /messages/{mid}/comments?comment_id= [uncertain: M2]
    hide_comment=False,  # neither M1 nor M2 has a way to hide a comment
    # DELETE /chats/{id}/members?user_id=…&block=true removes and blocks the subscriber;
    # "block" applies only to chats with a public or private link [verified: M1]
    ban=True,
    max_ban_days=0,  # the block has no end date: only for good [verified: M1]
    reply=True,  # POST /messages/{mid}/comments with link type reply [uncertain: M2]
    # a message may link another with type "forward" [verified: M1], but whether that forwards
    # between two channels is not described [uncertain]: no repost
    repost=False,
    # PATCH /chats/{id} sets title and icon; the description is read-only and there is no
    # cover or website [verified: M1]
    profile=frozenset({"title", "avatar"}),
    # the channel's own settings live in the app; there is no per-channel settings URL
    # channels have a title, a description (set in the app) and an icon; no website or cover
    profile_fields=frozenset({"title", "description", "avatar"}),
    settings_url="https://max.ru/",
    # Max allows 30 requests/s [verified: M1]; we keep well below to leave room for
    # other bots of the same owner and for uploads
    requests_per_second=10.0,
    # GET /messages?message_ids= gives a channel message's stat.views [uncertain: the TamTam
    # schema Max inherits, not in M1]; GET /chats/{id} participants_count [verified: M1]
    stats=frozenset({"views", "followers"}),
    stats_gap=N_(
        "Max's API gives views of a channel post only: no reactions, reposts or comments."
    ),
    can_find=True,
)

#: photo size limit [uncertain: 4-10 MB in different sources]; the larger documented value
_FACEBOOK_PHOTO_BYTES = 10 * MB

_FACEBOOK = Capabilities(
    text_format="plain",
    mixed_media=False,  # one video, or several photos [verified: S1 create_feed, create_video]
    text_limit=63206,  # not in the official docs [uncertain], widely quoted
    media={
        "photo": MediaRules(
            max_bytes=_FACEBOOK_PHOTO_BYTES,
            formats=frozenset({"JPEG", "PNG", "GIF", "BMP", "TIFF"}),
        ),
        # [uncertain: 1-10 GB]; up to 240 min [uncertain: the reference's "Limits" and a
        # scheduler's Facebook media guidelines (4 hours), not Meta's own reference]
        "video": MediaRules(max_bytes=10 * GB, max_seconds=240 * 60.0),
        # Animations go through the video upload, which keeps a GIF moving (a GIF sent
        # to /photos shows as a still) and takes MP4 animations too; so no format list.
        # The video length limit holds for them too, but a GIF's play time is not read (an
        # animation is always a GIF here: check decodes it as an image), so none is set
        "animation": MediaRules(max_bytes=_FACEBOOK_PHOTO_BYTES),
    },
    # photos in one post: no documented maximum for attached_media [uncertain: ~10 in practice]
    max_media=10,
    polls=False,  # no poll parameter on feed/photos [verified: S1 create_feed]
    can_edit=True,  # POST /{post-id} message [verified: S1 PagePost.api_update]
    can_delete=True,
    silent=False,
    link_preview=True,
    comments=True,  # GET /{object-id}/comments [verified: S1 Comment/PagePost]
    messages=False,  # Messenger needs pages_messaging and a webhook endpoint
    delete_comment=True,  # DELETE /{comment-id} [verified: S1 Comment.api_delete]
    restore_comment=False,  # a deleted comment is gone for good
    hide_comment=True,  # POST /{comment-id} is_hidden [verified: S1 Comment.api_update]
    ban=True,  # POST /{page-id}/blocked [verified: S1 create_blocked]
    max_ban_days=0,  # the blocked edge takes no end date: only for good
    reply=True,  # POST /{comment-id}/comments [verified: S1 create_comment]
    # the Page name cannot be changed through the API [uncertain: no name param in S1]
    profile=frozenset({"description", "website", "avatar", "cover"}),
    settings_url="https://www.facebook.com/{id}/settings",
    settings=COMMON_SETTINGS | {"graph_version"},
    # Client pacing only: Graph throttles by budgets (X-App-Usage, BUC per Page), not rps.
    requests_per_second=5.0,
    # /{post-id}/insights post_media_view and post_total_media_view_unique replace
    # post_impressions* (deprecated 2025-06-15 and 2025-11-15) [verified: Meta's Pages API
    # changelog]; reactions.summary, comments.summary, shares on the post [verified: S1];
    # followers_count on the Page (fan_count's successor) [verified: S1 Page fields]
    stats=frozenset({"views", "reach", "reactions", "reposts", "comments", "followers"}),
    can_find=True,
)

_INSTAGRAM = Capabilities(
    text_format="plain",
    # every Instagram text is a caption: ≤ 2200 characters, ≤ 30 hashtags [verified: S6, S7]
    text_limit=2200,
    caption_limit=2200,
    media={
        # JPEG only, ≤ 8 MB ("8 MB" read as MiB [uncertain]), width/height from 4:5 to
        # 1.91:1 [verified: S6, S7]; widths outside 320–1440 px are scaled, not refused
        "photo": MediaRules(
            max_bytes=8 * MB,
            formats=frozenset({"JPEG"}),
            max_aspect=1.91,
            aspect_range=(0.8, 1.91),
        ),
        # Reels: MP4/MOV, ≤ 300 MB, 3 s–15 min [verified: S6, S7; reference "Limits"];
        # containers are not Pillow formats, so ``formats`` stays empty
        "video": MediaRules(max_bytes=300 * MB, min_seconds=3.0, max_seconds=15 * 60.0),
        # no "animation": GIFs are refused (JPEG only) and there is no GIF post type
    },
    # a carousel holds 2–10 items of photos and videos mixed [verified: S5, S6]
    max_media=10,
    mixed_media=True,
    # there are no text-only posts on Instagram [verified: S5 content publishing]
    requires_media=True,
    polls=False,  # no poll parameter for feed media [verified: S1]
    can_edit=False,  # captions cannot be edited [verified: S1 IGMedia.api_update]
    can_delete=True,  # DELETE /{ig-media-id} [verified: S1; uncertain for old accounts]
    silent=False,
    link_preview=False,  # links in captions are not clickable
    comments=True,  # [verified: S1 IGComment; S5 comment moderation]
    # the Messaging API needs instagram_manage_messages and a webhook [uncertain]
    messages=False,
    delete_comment=True,  # DELETE /{ig-comment-id} [verified: S1; S5]
    hide_comment=True,  # POST /{ig-comment-id} hide=true [verified: S1; S5]
    # no block API for commenters; moderate_conversations is for DMs [uncertain: reference]
    ban=False,
    max_ban_days=0,
    reply=True,  # POST /{ig-comment-id}/replies [verified: S1; S6]
    # bio, name, website and avatar are read-only [verified: S1 IGUser has no update]
    profile=frozenset(),
    # an Instagram profile has no cover image
    profile_fields=frozenset({"title", "description", "website", "avatar"}),
    settings_url="https://www.instagram.com/accounts/edit/",
    # media_base_url is where Instagram downloads photos from; no token is sent there
    settings=COMMON_SETTINGS | {"graph_version", "media_base_url"},
    requests_per_second=2.0,
    # /{media-id}/insights views, reach, likes, comments, shares (impressions and plays
    # deprecated 2025-04-21) [verified: Meta's IG Media Insights reference]; followers_count
    # on the IG user [verified: S1 IGUser fields]
    stats=frozenset({"views", "reach", "reactions", "reposts", "comments", "followers"}),
    can_find=True,
)

#: X's limit for non-Premium accounts, in weighted length [verified: X1 "Limits"]
_X_TEXT_LIMIT = 280

_X = Capabilities(
    text_format="plain",
    mixed_media=False,  # up to 4 photos, or one video or GIF [verified: S8]
    text_limit=_X_TEXT_LIMIT,
    length_unit="x_weighted",
    thread=True,
    media={
        # [verified: X1 "Limits", S8 best practices]
        "photo": MediaRules(max_bytes=5 * MB, formats=frozenset({"JPEG", "PNG", "GIF", "WEBP"})),
        "animation": MediaRules(max_bytes=15 * MB, formats=frozenset({"GIF"})),
        # MP4 only; aspect 1:3–3:1 (the 1280×1024 size is advice, not enforced here);
        # 0.5–140 s [verified: S8 best practices]. A GIF goes up as tweet_gif, which has no
        # stated length limit
        "video": MediaRules(
            max_bytes=512 * MB,
            formats=frozenset({"MP4"}),
            max_aspect=3.0,
            min_seconds=0.5,
            max_seconds=140.0,
        ),
    },
    # up to 4 photos OR one video/GIF per post; a mix is refused before anything is sent
    max_media=4,
    polls=True,
    poll_max_options=4,
    poll_option_limit=25,
    # the question is post text (X polls have none of their own)
    poll_question_limit=_X_TEXT_LIMIT,
    # editing needs X Premium [verified: X1 "Edit / delete"]: delete and repost instead
    can_edit=False,
    can_delete=True,
    silent=False,
    link_preview=False,
    # replies are read with search/recent (last 7 days only); hiding replies to our own
    # posts works on every tier; others' replies cannot be deleted; blocking is
    # Enterprise-only, and muting does not keep anyone out [verified: X1 "Moderate"]
    comments=True,
    messages=False,
    delete_comment=False,
    hide_comment=True,
    ban=False,
    max_ban_days=0,
    reply=True,
    # PUT /2/users/me and /profile_image [uncertain: X1 "Account profile"]; no banner
    profile=frozenset({"description", "title", "website", "avatar"}),
    settings_url="https://x.com/settings/profile",
    # 100 posts / 15 min per user [verified: X1]; one call a second stays far below.
    # X counts its limits over 15-minute windows, so the pacing's headroom is per window
    requests_per_second=1.0,
    rate_window=15 * 60.0,
    # GET /2/tweets?ids= (≤100) tweet.fields=public_metrics: impression_count, like_count,
    # retweet_count + quote_count, reply_count; users/me user.fields=public_metrics
    # followers_count [verified: X1]
    stats=frozenset({"views", "reactions", "reposts", "comments", "followers"}),
    stats_gap=N_("X gives no reach (unique viewers) of a post, only its impressions."),
    can_find=True,
)

#: every network, in the order the README, the site and the reports list them; the adapters
#: (``publisher.networks.ADAPTERS``) take their ``title`` and ``capabilities`` from here
NETWORK_TABLE: Mapping[str, NetworkSpec] = MappingProxyType(
    {
        "vk": NetworkSpec("ВКонтакте", _VK),
        "telegram": NetworkSpec("Telegram", _TELEGRAM),
        "ok": NetworkSpec("Одноклассники", _OK),
        "max": NetworkSpec("МАКС", _MAX),
        "facebook": NetworkSpec("Facebook", _FACEBOOK),
        "instagram": NetworkSpec("Instagram", _INSTAGRAM),
        "x": NetworkSpec("X (бывший Twitter)", _X),
    }
)


def network_title(network: str) -> str:
    """The network's name as people know it ("ВКонтакте"); an unknown name stays as it is."""
    spec = NETWORK_TABLE.get(network)
    return spec.title if spec else network


def all_capabilities() -> dict[str, Capabilities]:
    """What every network can do, by name."""
    return {name: spec.capabilities for name, spec in NETWORK_TABLE.items()}
