"""The static site: pages, escaping, per-network previews, records, and nothing from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import jpeg_bytes

from publisher.core import i18n
from publisher.core.clock import FakeClock
from publisher.core.model import Media, Poll, RenderedPost
from publisher.engine.workspace import Workspace, open_workspace
from publisher.networks.max import MaxAdapter
from publisher.networks.telegram import TelegramAdapter
from publisher.reports.site import TelegramMessage, build_site, telegram_messages, text_html

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
LONG = " ".join(f"Предложение номер {i} о ёлке на площади." for i in range(1, 13))
POST = f"""---
title: Ёлка <script>alert('x')</script> & «площадь»
networks: [vk, telegram, instagram, x]
media: [one.jpg, two.jpg, three.jpg]
poll:
  question: Что добавить на площадь?
  options: [Горку, Ярмарку]
overrides:
  instagram:
    text: {"я" * 2300}
---

Ёлку **нарядили**. <script>alert(1)</script> [Опасная ссылка](javascript:alert(1)) и
[сайт](https://example.org).

{LONG}
"""
NEWS = """---
title: Короткая новость
networks: [vk]
---

Текст новости.
"""
RESULT_FILE = """post: news
networks:
  vk:
    state: published
    remote_id: '5'
    url: https://vk.com/wall-1001_5
    published_at: '2026-12-02T07:00:00+00:00'
    operation: create
"""
X_ACCOUNT = """---
network: x
id: "42"
token_env: X_TOKEN
settings:
  handle: district
---
Новости района.
"""
INSTAGRAM_ACCOUNT = """---
network: instagram
id: "17841400000000001"
title: district_adm
token_env: IG_TOKEN
---
Фото района.
"""
LOG = """- network: vk
  comment: '9'
  link: https://vk.com/wall-1001_5?reply=9
  author_id: '77'
  author_name: Тролль Троллев
  excerpt: <b>грубое</b> слово
  category: obscene
  rule: obscene:слово
  action: deleted
  at: '2026-12-03T10:00:00+00:00'
- network: vk
  comment: '9'
  author_id: '77'
  category: obscene
  action: banned
  ban_until: '2026-12-10T10:00:00+00:00'
  at: '2026-12-03T10:00:01+00:00'
- network: vk
  comment: '10'
  author_id: '78'
  category: spam
  action: banned
  ban_until: forever
  at: '2026-12-04T10:00:00+00:00'
"""
INBOX_ITEM = """---
network: vk
id: '12'
link: https://vk.com/wall-1001_5?reply=12
received: 2026-12-01T10:00+03:00
author: Анна Жалобова
category: roads
urgent: false
due: 2026-12-01T18:00+03:00
status: new
reply_to: {{post: '5', parent: '', author_id: '88', direct: false, extra: {{}}}}
---

> Когда отремонтируют дорогу?

## Ответ

{answer}"""


@pytest.fixture
def workspace(make_repo: Callable[..., Path]) -> Workspace:
    repo = make_repo(
        {
            "content/2026/12/elka/index.md": POST,
            "content/2026/12/elka/one.jpg": jpeg_bytes(1080, 1080, "navy"),
            "content/2026/12/elka/two.jpg": jpeg_bytes(1080, 1080, "green"),
            "content/2026/12/elka/three.jpg": jpeg_bytes(1080, 1080, "red"),
            "content/2026/12/news.md": NEWS,
            "content/2026/12/news.published.yml": RESULT_FILE,
            "accounts/x.md": X_ACCOUNT,
            "accounts/instagram.md": INSTAGRAM_ACCOUNT,
            "moderation/log/2026-12.yml": LOG,
            "content/inbox/2026/12/vk-12.md": INBOX_ITEM.format(answer=""),
        }
    )
    return open_workspace(repo, FakeClock(NOW), env={})


@pytest.fixture
def site(workspace: Workspace, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    build_site(workspace, workspace.load(), out)
    return out


def card(page: str, network: str) -> str:
    """The HTML of one network's preview card on a post page."""
    match = re.search(rf'<article class="card net-{network}".*?</article>', page, re.S)
    assert match, f"no {network} card"
    return match.group(0)


def text_of(html: str) -> str:
    """The first text block of a card."""
    match = re.search(r'<div class="text">(.*?)</div>', html, re.S)
    assert match, "no text"
    return match.group(1)


def read(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def test_every_page_and_asset_is_written(workspace: Workspace, tmp_path: Path, site: Path) -> None:
    written = build_site(workspace, workspace.load(), tmp_path / "again")
    names = {p.relative_to(tmp_path / "again").as_posix() for p in written}
    expected = {"index.html", "archive.html", "accounts.html", "moderation.html", "inbox.html"}
    assert expected <= names
    assert {"report.html", "report-2026-12.html", "post-2026-12-elka.html"} <= names
    assert {"assets/site.css", "assets/DejaVuSans.ttf", "assets/DejaVuSans-Bold.ttf"} <= names
    assert len([n for n in names if n.startswith("media/")]) == 3, "each photo copied once"
    assert all((tmp_path / "again" / n).is_file() for n in names)


def test_text_is_escaped_and_no_script_gets_through(site: Path) -> None:
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page.name
        assert 'href="javascript' not in text.lower(), page.name
    index = read(site, "index.html")
    assert "Ёлка &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; «площадь»" in index
    log = read(site, "moderation.html")
    assert "<b>грубое</b>" not in log


def test_previews_show_the_text_each_network_gets(site: Path) -> None:
    page = read(site, "post-2026-12-elka.html")
    vk, telegram = text_of(card(page, "vk")), text_of(card(page, "telegram"))
    assert "Ёлку нарядили. Опасная ссылка" in vk and "<" not in vk, "VK gets plain text"
    assert "(https://example.org)" in vk, "plain text writes the address after a link"
    assert "Ёлку <b>нарядили</b>." in telegram, "Telegram keeps its HTML"
    assert '<a href="https://example.org" rel="nofollow">сайт</a>' in telegram
    assert "Опасная ссылка" in telegram and "javascript" not in telegram, "unsafe link: label only"


def test_x_shows_the_thread_parts_with_their_lengths(site: Path) -> None:
    x = card(read(site, "post-2026-12-elka.html"), "x")
    tweets = re.findall(r'<div class="tweet">', x)
    assert len(tweets) >= 3, "a long text is a thread, the poll its last post"
    assert re.search(r" 1/\d+</div>", x) and "@district" in x
    lengths = [int(n) for n in re.findall(r'part-length[^"]*">(\d+)/280<', x)]
    assert len(lengths) == len(tweets) and all(0 < n <= 280 for n in lengths)
    assert x.count('<div class="poll">') == 1 and x.count("<img") == 3, "photos on the first post"


def test_poll_and_media_follow_what_each_network_supports(site: Path) -> None:
    page = read(site, "post-2026-12-elka.html")
    for network in ("vk", "telegram", "x"):
        assert "Что добавить на площадь?" in card(page, network)
        assert "<li>Горку</li><li>Ярмарку</li>" in card(page, network)
    instagram = card(page, "instagram")
    assert "Что добавить на площадь?" not in instagram, "Instagram has no polls"
    assert instagram.count('<div class="slide">') == 3 and "3/3" in instagram
    assert "<b>district_adm</b>" in instagram


def test_length_is_shown_against_the_limit(site: Path) -> None:
    page = read(site, "post-2026-12-elka.html")
    assert re.search(r'class="length">[^<]*\b\d{3}\b[^<]*\b16384\b', card(page, "vk"))
    assert 'class="note"' not in page, "the text fits Telegram's caption; VK has no captions"
    assert re.search(r'class="length">[^<]*\b\d{3}\b[^<]*\b4096\b', card(page, "telegram"))
    assert re.search(r'class="length">[^<]*\b\d{3}\b[^<]*\b280\b', card(page, "x")), "a thread"
    tweets = card(page, "x").count('<div class="tweet">')
    assert re.search(rf'class="thread-note">[^<]*\b{tweets}\b', card(page, "x"))
    assert re.search(r'class="length over">[^<]*\b2300\b[^<]*\b2200\b', card(page, "instagram"))


def test_images_are_local_copies_and_pages_use_only_local_assets(site: Path) -> None:
    for page in site.glob("*.html"):
        refs = _Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        for ref in refs.assets:
            assert "://" not in ref and not ref.startswith("//"), f"{page.name}: {ref}"
            assert (site / ref).is_file(), f"{page.name}: missing {ref}"
        assert "default-src 'none'" in page.read_text(encoding="utf-8")


class _Refs(HTMLParser):
    """Addresses a page loads (not the links it offers)."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("img", "video", "script", "source") and values.get("src"):
            self.assets.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.assets.append(values["href"] or "")


def test_archive_links_each_network(site: Path) -> None:
    archive = read(site, "archive.html")
    assert 'href="https://vk.com/wall-1001_5"' in archive
    assert 'href="post-2026-12-news.html"' in archive and "02.12.2026 10:00" in archive


def test_accounts_show_their_profiles(site: Path) -> None:
    accounts = read(site, "accounts.html")
    for text in ("Описание сообщества.", "Описание канала.", "Новости района.", "district_adm"):
        assert text in accounts


def test_personal_data_only_on_request(workspace: Workspace, site: Path, tmp_path: Path) -> None:
    for name in ("moderation.html", "inbox.html"):
        page = read(site, name)
        assert "Тролль" not in page and "Жалобова" not in page and "грубое" not in page
    private = tmp_path / "private"
    build_site(workspace, workspace.load(), private, personal_data=True)
    assert "Тролль Троллев" in read(private, "moderation.html")
    assert "&lt;b&gt;грубое&lt;/b&gt; слово" in read(private, "moderation.html")
    assert "Анна Жалобова" in read(private, "inbox.html")


def test_moderation_log_lists_actions_newest_first(site: Path) -> None:
    log = read(site, "moderation.html")
    rows = re.findall(r"<tr><td data-label=\"Время\">([^<]+)</td>", log)
    assert rows == ["04.12.2026 13:00", "03.12.2026 13:00", "03.12.2026 13:00"]
    assert "10.12.2026 13:00" in log, "a ban's end in local time"
    assert 'href="https://vk.com/wall-1001_5?reply=9"' in log


def test_inbox_marks_overdue_messages(site: Path) -> None:
    inbox = read(site, "inbox.html")
    assert '<tr class="overdue">' in inbox and "01.12.2026 18:00" in inbox
    assert "vk-12.md" not in inbox, "the message, not its file"
    assert "сообщение (текст виден на сайте, собранном с персональными данными)" in inbox


def test_a_text_longer_than_a_caption_is_noted(workspace: Workspace, tmp_path: Path) -> None:
    post = workspace.repo / "content/2026/12/elka/index.md"
    post.write_text(POST.replace(LONG, LONG * 3), encoding="utf-8")
    build_site(workspace, workspace.load(), tmp_path / "s")
    page = read(tmp_path / "s", "post-2026-12-elka.html")
    assert 'class="note"' in card(page, "telegram") and 'class="note"' not in card(page, "vk")
    assert card(page, "telegram").count('<div class="bubble">') == 3, "album, text, poll"


def test_a_drafted_answer_is_shown_before_the_merge(workspace: Workspace, tmp_path: Path) -> None:
    item = workspace.repo / "content/inbox/2026/12/vk-12.md"
    item.write_text(INBOX_ITEM.format(answer="Отремонтируем <до> 15 декабря."), encoding="utf-8")
    build_site(workspace, workspace.load(), tmp_path / "s")
    assert "Отремонтируем &lt;до&gt; 15 декабря." in read(tmp_path / "s", "inbox.html")


def test_report_page_has_inline_charts(site: Path) -> None:
    report = read(site, "report-2026-12.html")
    assert report.count("<svg") == 6 and 'href="report-2026-12.html"' in report
    assert read(site, "report.html") == report


def test_ui_follows_the_language(workspace: Workspace, tmp_path: Path) -> None:
    i18n.set_language("en")
    build_site(workspace, workspace.load(), tmp_path / "en")
    index = read(tmp_path / "en", "index.html")
    assert '<html lang="en">' in index and ">Archive</a>" in index


def preview_html(raw: str, fmt: str = "telegram_html") -> str:
    adapter = TelegramAdapter if fmt == "telegram_html" else MaxAdapter
    return text_html(raw, adapter.capabilities)


def test_rich_html_keeps_only_the_networks_tags() -> None:
    raw = '<b>a</b><img src=x onerror=alert(1)><a href="tg://resolve?d=x">t</a><i>open'
    assert preview_html(raw) == (
        '<b>a</b><a href="tg://resolve?d=x" rel="nofollow">t</a><i>open</i>'
    )
    assert "javascript" not in preview_html('<a href=" javascript:x">x</a>')
    assert preview_html("1 &lt; 2 &amp; <u>3</u>") == "1 &lt; 2 &amp; <u>3</u>"
    assert preview_html("<mark>m</mark>", "max_html") == "<mark>m</mark>"
    assert preview_html("<mark>m</mark>") == "m"  # Telegram has no <mark>


def test_telegram_puts_a_short_text_in_the_caption_and_a_long_one_apart() -> None:
    caps = TelegramAdapter.capabilities
    photo, gif = Media(Path("a.jpg"), "a.jpg", "photo"), Media(Path("b.gif"), "b.gif", "animation")
    poll = Poll("Вопрос?", ("Да", "Нет"))
    short = RenderedPost("p", "telegram", ("коротко",), (photo, gif, photo), poll)
    assert telegram_messages(short, caps) == [
        TelegramMessage("media", (0, 2), caption=True),
        TelegramMessage("media", (1,)),
        TelegramMessage("poll"),
    ]
    long = RenderedPost("p", "telegram", ("я" * 2000,), (photo,))
    assert telegram_messages(long, caps) == [
        TelegramMessage("media", (0,)),
        TelegramMessage("text"),
    ]
    text_only = RenderedPost("p", "telegram", ("текст",))
    assert telegram_messages(text_only, caps) == [TelegramMessage("text")]


def test_a_pending_answer_shows_the_question_only_with_personal_data(
    workspace: Workspace, tmp_path: Path
) -> None:
    item = workspace.repo / "content/inbox/2026/12/vk-12.md"
    item.write_text(INBOX_ITEM.format(answer="Отремонтируем до 15 декабря."), encoding="utf-8")
    build_site(workspace, workspace.load(), tmp_path / "public")
    public = read(tmp_path / "public", "inbox.html")
    assert "Отремонтируем до 15 декабря." in public and "Когда отремонтируют" not in public
    build_site(workspace, workspace.load(), tmp_path / "private", personal_data=True)
    private = read(tmp_path / "private", "inbox.html")
    question = private.index('<div class="text question">')
    assert "Когда отремонтируют дорогу?" in private[question:]
    assert question < private.index('<div class="text answer">Отремонтируем до 15 декабря.')


def test_a_profile_change_shows_old_and_new_text_and_a_thumbnail_of_the_new_image(
    workspace: Workspace, tmp_path: Path
) -> None:
    repo = workspace.repo
    (repo / "design").mkdir()
    (repo / "design/avatar.jpg").write_bytes(jpeg_bytes(400, 400, "navy"))
    (repo / "accounts/x.published.yml").write_text(
        "account: x\nnetworks:\n  x:\n    state: published\n    operation: profile\n"
        "    extra:\n      fields: {description: 0000000000000000}\n"
        "      values: {description: Старое описание <b>района</b>.}\n",
        encoding="utf-8",
    )
    (repo / "accounts/x.md").write_text(
        X_ACCOUNT.replace("token_env", "avatar: design/avatar.jpg\ntoken_env"), encoding="utf-8"
    )
    build_site(workspace, workspace.load(), tmp_path / "s")
    accounts = read(tmp_path / "s", "accounts.html")
    card = accounts[accounts.index('id="account-x"') :]
    changes = card[card.index('<div class="changes">') : card.index("</article>")]
    assert '<del class="text">Старое описание &lt;b&gt;района&lt;/b&gt;.</del>' in changes
    assert '<ins class="text">Новости района.</ins>' in changes
    thumbnail = re.search(
        r'<img class="thumb" src="(media/[0-9a-f]{16}\.jpg)" alt="аватар">', changes
    )
    assert thumbnail and (tmp_path / "s" / thumbnail.group(1)).is_file()


@pytest.mark.parametrize(
    ("entry", "shown"),
    [
        ("state: published", "опубликовано 2 декабря в 10:00"),
        ("state: deleted", "снят"),
        (
            "state: failed\n    error: 'VK <error> 15:\n      access denied'",
            "ошибка: VK &lt;error&gt; 15: access denied",
        ),
        ("state: failed", "ошибка: без подробностей"),
        ("state: intent", "отправлено, но не подтверждено: проверьте в сети"),
    ],
)
def test_each_account_shows_where_the_post_stands(
    workspace: Workspace, tmp_path: Path, entry: str, shown: str
) -> None:
    result = workspace.repo / "content/2026/12/news.published.yml"
    result.write_text(RESULT_FILE.replace("state: published", entry, 1), encoding="utf-8")
    build_site(workspace, workspace.load(), tmp_path / "s")
    index = read(tmp_path / "s", "index.html")
    page = read(tmp_path / "s", "post-2026-12-news.html")
    assert f"ВКонтакте: {shown}" in index
    assert shown.removesuffix("</a>") in card(page, "vk")


def test_a_post_for_later_waits_for_its_time(workspace: Workspace, tmp_path: Path) -> None:
    later = NEWS.replace("networks: [vk]", "networks: [vk]\npublish_at: 2027-01-15 10:00")
    (workspace.repo / "content/2026/12/news.md").write_text(later, encoding="utf-8")
    (workspace.repo / "content/2026/12/news.published.yml").unlink()
    build_site(workspace, workspace.load(), tmp_path / "s")
    assert "ВКонтакте: ждёт 15 января 2027 г. в 10:00" in read(tmp_path / "s", "index.html")


def test_an_unreadable_publication_time_is_left_out(workspace: Workspace, tmp_path: Path) -> None:
    result = workspace.repo / "content/2026/12/news.published.yml"
    result.write_text(RESULT_FILE.replace("'2026-12-02T07:00:00+00:00'", "'not a time'"))
    build_site(workspace, workspace.load(), tmp_path / "s")
    assert "ВКонтакте: опубликовано; заменить</a>" in read(tmp_path / "s", "index.html")
