"""The site of the example content in a real browser: Debian's Chromium driven by Playwright.

The example content is published to a fresh sandbox (``publisher demo``'s flow, on a fake
clock), a moderation log is added, and the site is built and served from 127.0.0.1. Every page
must load with no console error, no failed or outside request; each network's preview must show
the text that network gets. Skipped only when Chromium or the ``playwright`` package is absent
(``tools/install-browser.sh`` installs Chromium; never ``playwright install``).

Every page of the site and the sandbox's feed page is opened at a phone's width (390) and a
laptop's (1280): nothing may overflow sideways nor show an English interface word, and a
screenshot of each is saved for CI to upload (``SCREENSHOTS``, else ``build/screenshots``).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from publisher.commands.demo import run_demo
from publisher.content.render import render_post, visible_text
from publisher.content.xtext import thread_items
from publisher.core.clock import FakeClock
from publisher.engine.workspace import open_workspace
from publisher.reports.site import build_site
from publisher.sandbox.web import FeedPage

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
POST = "2026/12/elka-na-ploshchadi"
LOG = """- network: vk
  comment: '77'
  link: https://vk.com/wall-217001234_1?reply=77
  author_id: '503'
  author_name: Аноним
  excerpt: Купить дешёвые кредиты
  category: spam
  rule: spam:links
  action: deleted
  at: '2026-12-01T09:05:00+00:00'
"""


@dataclass(frozen=True)
class Site:
    root: Path
    url: str
    repo: Path


def _playwright() -> Any:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run tools/install-browser.sh")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    return sync_playwright


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The example content, published to a sandbox, built into a site and served locally."""
    work = tmp_path_factory.mktemp("example")
    clock = FakeClock()
    assert run_demo(ROOT, work, lambda _line: None, clock) == 0
    repo = work / "repo"
    (repo / "moderation/log").mkdir(parents=True, exist_ok=True)
    (repo / "moderation/log/2026-12.yml").write_text(LOG, encoding="utf-8")
    ws = open_workspace(repo, clock, env={})
    out = work / "site"
    build_site(ws, ws.load(), out)
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(out, f"http://127.0.0.1:{server.server_address[1]}/", repo)
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page and every problem it reported while loading."""

    page: Any
    problems: list[str]


def watch(page: Any, base: str) -> list[str]:
    """Collect what a page reports: console errors and warnings, script errors, requests that
    failed (other than those our own navigation cancelled), error statuses, outside requests."""
    problems: list[str] = []

    def console(message: Any) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    def failed(request: Any) -> None:
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"failed ({request.failure}): {request.url}")

    def response(answer: Any) -> None:
        if answer.status >= 400:
            problems.append(f"{answer.status}: {answer.url}")

    def request(sent: Any) -> None:
        if not sent.url.startswith(base):
            problems.append(f"outside: {sent.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", failed)
    page.on("response", response)
    page.on("request", request)
    return problems


@pytest.fixture
def watched(browser: Any, site: Site) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = watch(page, site.url)
    yield Watched(page, problems)
    context.close()


def test_every_page_loads_without_errors(site: Site, watched: Watched) -> None:
    pages = sorted(p.name for p in site.root.glob("*.html"))
    assert len(pages) >= 10
    for name in pages:
        watched.page.goto(site.url + name, wait_until="load")
        assert watched.page.locator("h1").count() == 1, name
    assert watched.problems == []


def test_shipped_font_and_stylesheet_are_used(site: Site, watched: Watched) -> None:
    watched.page.goto(site.url + "index.html", wait_until="load")
    watched.page.evaluate("document.fonts.ready")
    assert watched.page.evaluate("document.fonts.check('16px \"DejaVu Sans\"')")
    loaded = watched.page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("DejaVu Sans" in family for family in loaded)
    header = watched.page.locator("header.top")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(21, 50, 91)"
    assert watched.problems == []


def test_previews_show_each_networks_text(site: Site, watched: Watched) -> None:
    ws = open_workspace(site.repo, env={})
    content = ws.load()
    post = next(p for p in content.posts if p.id == POST)
    watched.page.goto(site.url + "post-2026-12-elka-na-ploshchadi.html", wait_until="load")
    for network in post.networks:
        caps = ws.capabilities[network]
        rendered = render_post(post, network, caps, ws.config.network_options.get(network))
        shown = _texts(watched.page, network)
        expected = (
            [item.text for item in thread_items(rendered)] if network == "x" else [rendered.text]
        )
        for text in expected:
            assert _flat(visible_text(text, caps.text_format)) in shown, network
    telegram_bold = watched.page.locator("#net-telegram .text b").first.inner_text()
    assert telegram_bold == "с 16:00 до полуночи", "Telegram shows its bold"
    assert watched.page.locator("#net-vk .text b").count() == 0, "VK has no bold"
    assert watched.page.locator("#net-instagram .slide").count() == 3
    assert watched.page.locator("#net-x .tweet").count() >= 2
    assert watched.problems == []


def _texts(page: Any, network: str) -> str:
    """Every text block a network's card shows, flattened to single spaces."""
    selector = f"#net-{network} .text, #net-{network} .caption"
    return " ¶ ".join(_flat(t) for t in page.locator(selector).all_inner_texts())


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_screenshot_of_a_post_page(site: Site, watched: Watched, tmp_path: Path) -> None:
    from PIL import Image

    watched.page.goto(site.url + "post-2026-12-elka-na-ploshchadi.html", wait_until="load")
    shot = tmp_path / "post.png"
    watched.page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000
    with Image.open(shot) as image:
        assert image.size[0] == 1280 and image.size[1] > 1500
        assert len(image.convert("RGB").getcolors(1 << 20) or []) > 500, "not a blank page"
    assert watched.page.locator("table.figures tbody tr").count() == 7, "its reach per account"
    watched.page.goto(site.url + "report.html", wait_until="load")
    # posts, formats, moderation, answers; reach per network and account, top posts,
    # follower growth (stats collect), account health (accounts audit); messages by source and
    # by department
    assert watched.page.locator("svg.chart").count() == 11
    watched.page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert watched.problems == []


def test_pages_open_from_a_folder(site: Site, browser: Any, tmp_path: Path) -> None:
    """An artifact downloaded and opened from disk works too (file://)."""
    copy = tmp_path / "site"
    shutil.copytree(site.root, copy)
    page = browser.new_page()
    problems = watch(page, copy.as_uri())
    page.goto((copy / "accounts.html").as_uri(), wait_until="load")
    assert page.locator("img.avatar").count() >= 1
    assert page.locator("img.avatar").first.evaluate("e => e.naturalWidth") > 0
    page.close()
    assert problems == []


# --- every page at a phone's and a laptop's width ---------------------------------------------

WIDTHS = (390, 1280)
#: words of an English interface (whole words, any case); brand names are allowed
ENGLISH = (
    "single choice",
    "multiple choice",
    "poll",
    "vote",
    "votes",
    "hours",
    "left",
    "reply",
    "replies",
    "comment",
    "comments",
    "hidden",
    "deleted",
    "edited",
    "forwarded",
    "repost",
    "share",
    "like",
    "likes",
    "views",
    "open",
    "published",
    "draft",
    "ready",
    "status",
    "network",
    "networks",
    "post",
    "posts",
    "archive",
    "accounts",
    "report",
    "message",
    "author",
    "error",
    "warning",
    "nothing",
    "sandbox",
    "page",
    "channel",
    "community",
    "length",
    "thread",
    "loading",
    "submit",
    "sent",
    "waits",
    "taken down",
    "anonymous",
)
_ENGLISH = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b", re.IGNORECASE)
#: addresses, file paths, handles and commands to type, which are not interface words
_NOT_WORDS = re.compile(r"\S*(://|/|@|\.md|\.ru|\.com)\S*|publisher( [a-z_-]+)+")


def english_words(text: str) -> list[str]:
    """English interface words in a page's visible text (addresses and paths left out)."""
    return sorted({m.group(0) for m in _ENGLISH.finditer(_NOT_WORDS.sub(" ", text))})


def test_the_word_check_finds_english_and_passes_russian() -> None:
    assert english_words("Single choice · Poll · 24 h") == ["Poll", "Single choice"]
    assert english_words("Опрос · ещё 24 ч; https://x.com/post/1 content/post.md @post") == []
    assert english_words("когда сделаете: publisher accounts done ok description") == []


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def sandbox_url(site: Site) -> Iterator[str]:
    server: WSGIServer = make_server(
        "127.0.0.1", 0, FeedPage(site.repo.parent / "sandbox"), handler_class=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or ROOT / "build/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_screen_and_speaks_russian(
    browser: Any,
    site: Site,
    sandbox_url: str,
    shots: Path,
    width: int,
) -> None:
    pages = [("sandbox", sandbox_url)]
    pages += [(p.stem, site.url + p.name) for p in sorted(site.root.glob("*.html"))]
    assert len(pages) >= 11
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems = watch(page, "http://127.0.0.1:")
    overflowing, english = [], []
    for name, url in pages:
        page.goto(url, wait_until="load")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if scroll > inner:
            overflowing.append(f"{name}: {scroll} > {inner}")
        words = english_words(page.evaluate("document.body.innerText"))
        if words:
            english.append(f"{name}: {words}")
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    context.close()
    assert overflowing == []
    assert english == []
    assert problems == []
    assert (shots / f"sandbox-{width}.png").stat().st_size > 10_000
