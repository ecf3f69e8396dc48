"""Hostile text in every kind of page publisher writes or serves: the static site, the monthly
report with its charts, the sandbox's page of feeds.

Each test is the attack: a post title with a script, an attribute break-out and a template
expression, the same in a citizen's comment, a moderation log entry and an account, go
through the real calls; every page must show them as text. No element or event attribute
comes from them, and the template expression is printed as written, not evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner
from conftest import INSTAGRAM_ACCOUNT, OK_ACCOUNT, Sandboxes, jpeg_bytes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.engine.workspace import open_workspace
from publisher.reports.monthly import monthly_report, report_charts, report_html
from publisher.reports.site import build_site
from publisher.sandbox.app import Sandbox
from publisher.sandbox.web import FeedPage

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(2)>'
EXPRESSION = "{{ 7*7 }}{% if true %}yes{% endif %}"
HOSTILE = f"{SCRIPT} {BREAKOUT} {EXPRESSION}"
#: the same, quoted for a YAML value
YAML_HOSTILE = "'" + HOSTILE.replace("'", "''") + "'"

POST = f"""---
title: {YAML_HOSTILE}
networks: [vk, telegram, ok, max, facebook, instagram, x]
media: [a.jpg]
tags: [{YAML_HOSTILE}]
---

Новость {HOSTILE}
"""
ACCOUNTS = {
    "accounts/ok.md": OK_ACCOUNT,
    "accounts/instagram.md": INSTAGRAM_ACCOUNT,
    "accounts/max.md": "---\nnetwork: max\nid: '-7001'\ntoken_env: MAX_TOKEN\n---\nКанал\n",
    "accounts/facebook.md": "---\nnetwork: facebook\nid: '1001'\ntoken_env: FB_TOKEN\n---\nСтр\n",
    #: X allows 50 characters in a profile's name
    "accounts/x.md": f"---\nnetwork: x\nid: '42'\ntoken_env: X_TOKEN\ntitle: '{BREAKOUT}'\n---\n"
    f"{HOSTILE}\n",
    "publisher.yml": "timezone: Europe/Moscow\nmedia_base_url: https://example.org/media\n",
}
LOG = f"""- network: vk
  comment: '9'
  author_id: '77'
  author_name: {YAML_HOSTILE}
  excerpt: {YAML_HOSTILE}
  category: {YAML_HOSTILE}
  rule: {YAML_HOSTILE}
  action: deleted
  at: '2026-12-03T10:00:00+00:00'
"""
INBOX_ITEM = f"""---
network: vk
id: '12'
received: 2026-12-01T10:00+03:00
author: {YAML_HOSTILE}
category: roads
due: 2026-12-01T18:00+03:00
status: new
---

> {HOSTILE}
"""


class _Page(HTMLParser):
    """Every element with its attributes, and the text a reader sees."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(page: str, *shown: str) -> None:
    """No script, no event handler, no ``javascript:`` address, no ``src=x`` image; each of
    ``shown`` is in the page's text exactly as written."""
    parsed = _Page()
    parsed.feed(page)
    parsed.close()
    for tag, attrs in parsed.elements:
        assert tag not in ("script", "iframe", "object", "embed"), tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)
        assert ("src", "x") not in attrs, tag
    text = "".join(parsed.text)
    for expected in shown:
        assert expected in text


def test_the_site_shows_hostile_text_as_text(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock
) -> None:
    repo = make_repo(
        {
            "content/2026/12/elka/index.md": POST,
            "content/2026/12/elka/a.jpg": jpeg_bytes(1080, 1080),
            **ACCOUNTS,
            "moderation/log/2026-12.yml": LOG,
            "content/inbox/2026/12/vk-12.md": INBOX_ITEM,
        }
    )
    ws = open_workspace(repo, clock, env={})
    pages = build_site(ws, ws.load(), tmp_path / "site", personal_data=True)
    html = {p.name: p.read_text(encoding="utf-8") for p in pages if p.suffix == ".html"}
    post_page = next(name for name in html if name.startswith("post-"))
    assert_inert(html["index.html"], HOSTILE)
    assert_inert(html[post_page], HOSTILE)
    assert html[post_page].count(EXPRESSION) > 2, "the body too, in each network's card"
    assert_inert(html["accounts.html"], BREAKOUT, EXPRESSION)
    assert_inert(html["moderation.html"], HOSTILE)
    assert_inert(html["inbox.html"], HOSTILE)
    assert_inert(html["report-2026-12.html"], HOSTILE)
    for name in ("archive.html", "report.html"):
        assert_inert(html[name])


def test_the_monthly_report_and_its_charts_show_hostile_text_as_text(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    repo = make_repo({"moderation/log/2026-12.yml": LOG})
    ws = open_workspace(repo, clock, env={})
    report = monthly_report(ws, ws.load(), "2026-12")
    assert_inert(report_html(report), HOSTILE)
    charts = report_charts(report)
    for svg in charts.values():
        assert_inert(svg)
    assert_inert(charts["moderation.svg"], HOSTILE)


def test_the_sandbox_page_shows_hostile_posts_and_comments_as_text(
    make_repo: Callable[..., Path], tmp_path: Path, clock: FakeClock
) -> None:
    repo = make_repo(
        {"content/elka/index.md": POST, "content/elka/a.jpg": jpeg_bytes(1080, 1080), **ACCOUNTS}
    )
    state = tmp_path / "state"
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, {})
    )
    assert result.exit_code == 0, result.output
    sandbox = Sandbox(state, clock=clock)
    for network, view in sandbox.show().items():
        assert view["posts"], network
        sandbox.add_comment(network, str(view["posts"][0]["id"]), HOSTILE, "66", HOSTILE)
    page = FeedPage(state).page()
    for network, emulator in sandbox.emulators.items():
        feed = emulator.feed_html(sandbox.store.read(network))
        assert_inert(feed, HOSTILE)
        assert feed.count(EXPRESSION) >= 2, network  # the post and the comment
    assert_inert(page, HOSTILE)


def test_telegram_html_on_the_sandbox_page_keeps_only_telegrams_markup(
    sandboxes: Sandboxes,
) -> None:
    """The emulated Bot API accepts what Telegram accepts (its tags, any attribute); the page
    shows the message through nh3, so an attribute or a link scheme cannot run script."""
    sandbox = sandboxes("telegram")
    text = '<b onmouseover="alert(1)">Жирный</b> <a href="javascript:alert(2)">ссылка</a>'
    answer = sandboxes.client(sandbox).post(
        "https://api.telegram.org/bot42:sandbox-token/sendMessage",
        json={"chat_id": "@news", "text": text, "parse_mode": "HTML"},
    )
    assert answer.status_code == 200, answer.text
    feed = sandbox.emulators["telegram"].feed_html(sandbox.store.read("telegram"))
    assert_inert(feed, "Жирный ссылка")
    assert "<b>Жирный</b>" in feed
