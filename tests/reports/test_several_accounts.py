"""Everything a person reads, per account, in a repository with two VK communities (the
district's, the default, and a rural settlement's in a subfolder) and the head's Telegram
channel: the plan, what apply did, ``publisher log``, the site, the monthly report and the
dynamic cover."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Publisher, jpeg_bytes, write_files

ROOT = Path(__file__).resolve().parents[2]

DISTRICT_VK = """---
network: vk
default: true
id: "1001"
title: Администрация района
token_env: VK_USER_TOKEN
secrets:
  community: VK_COMMUNITY_TOKEN
avatar: design/district.jpg
---
Новости района.
"""
BRATSKOE_VK = """---
network: vk
id: "2002"
title: Братское сельское поселение
token_env: VK_USER_TOKEN
secrets:
  community: VK_COMMUNITY_TOKEN
avatar: design/bratskoe.jpg
---
Новости Братского поселения.
"""
HEAD_TG = """---
network: telegram
id: "@head_channel"
title: Глава района
token_env: TELEGRAM_BOT_TOKEN
---
Канал главы района.
"""
#: the district's community (``networks: [vk]``), the settlement's and the head's channel
ELKA = """---
title: Ёлка на площади
networks: [vk]
accounts: [bratskoe-vk, head-tg]
---
Ёлку нарядили.
"""
#: only the settlement's community
SKHOD = """---
title: Сход жителей
accounts: [bratskoe-vk]
---
Сход жителей в клубе в пятницу.
"""
FILES: dict[str, str | bytes] = {
    "accounts/district-vk.md": DISTRICT_VK,
    "accounts/settlements/bratskoe-vk.md": BRATSKOE_VK,
    "accounts/head-tg.md": HEAD_TG,
    "design/district.jpg": jpeg_bytes(400, 400, "navy"),
    "design/bratskoe.jpg": jpeg_bytes(400, 400, "green"),
    "content/2026/12/elka.md": ELKA,
    "content/2026/12/skhod.md": SKHOD,
}
DISTRICT = "Администрация района"
BRATSKOE = "Братское сельское поселение"


@pytest.fixture
def run(make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]) -> Publisher:
    """The CLI on the repository, in the sandbox."""
    return publisher(make_repo(FILES, accounts=False))


def ok(run: Publisher, *args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_plan_rows_name_the_account_where_the_network_has_several(run: Publisher) -> None:
    text = ok(run, "plan")
    rows = [line for line in text.splitlines() if line.startswith("+ ")]
    assert [list(re.findall(r"^\+ создать\s+(.+?)\s+(2026/\S+)", row)[0]) for row in rows] == [
        [f"ВКонтакте · {BRATSKOE}", "2026/12/elka"],
        [f"ВКонтакте · {DISTRICT}", "2026/12/elka"],
        ["Telegram", "2026/12/elka"],
        [f"ВКонтакте · {BRATSKOE}", "2026/12/skhod"],
    ], "the one Telegram channel is named by its network alone"
    assert len({row.index("2026/12/") for row in rows}) == 1, "the column is as wide as its names"
    markdown = ok(run, "plan", "--format", "markdown")
    assert f"| ВКонтакте · {BRATSKOE} | ` 2026/12/skhod ` |" in markdown
    assert (
        f"<summary>2026/12/elka — создать: ВКонтакте · {BRATSKOE}, "
        f"ВКонтакте · {DISTRICT}, Telegram</summary>" in markdown
    ), "a post's text once, its accounts named in the section's title"
    actions = json.loads(ok(run, "plan", "--format", "json"))["actions"]
    created = [(a["network"], a["account"], a["account_title"], a["post"]) for a in actions][:4]
    assert created == [
        ("vk", "bratskoe-vk", BRATSKOE, "2026/12/elka"),
        ("vk", "district-vk", DISTRICT, "2026/12/elka"),
        ("telegram", "head-tg", "Глава района", "2026/12/elka"),
        ("vk", "bratskoe-vk", BRATSKOE, "2026/12/skhod"),
    ]


def test_apply_and_the_log_name_the_account_of_each_result(run: Publisher) -> None:
    applied = ok(run, "apply")
    assert re.search(
        rf"✓ создать ВКонтакте · {BRATSKOE}: 2026/12/skhod → https://vk.com/wall-2002_\d+", applied
    )
    assert re.search(
        rf"✓ создать ВКонтакте · {DISTRICT}: 2026/12/elka → https://vk.com/wall-1001_\d+", applied
    )
    log = ok(run, "log")
    assert re.search(
        r"создать ВКонтакте · bratskoe-vk: 2026/12/skhod \[готово\] https://vk.com/wall-2002_", log
    )
    assert re.search(
        r"создать ВКонтакте · district-vk: 2026/12/elka \[готово\] https://vk.com/wall-1001_", log
    )
    assert "создать Telegram · head-tg: 2026/12/elka [готово]" in log
    assert "изменить ВКонтакте · bratskoe-vk: accounts/bratskoe-vk [готово]" in log, (
        "each profile too"
    )


def test_the_site_has_a_card_per_account_with_its_title_picture_and_status(
    run: Publisher, tmp_path: Path
) -> None:
    ok(run, "apply")
    write_files(run.repo, {"content/2026/12/elka.md": ELKA.replace("нарядили", "зажгли")})
    out = tmp_path / "site"
    ok(run, "site", "build", "--out", str(out))
    page = (out / "post-2026-12-elka.html").read_text(encoding="utf-8")
    cards = re.findall(r'<article class="card [^"]*" id="([^"]+)"', page)
    assert cards == ["net-vk-bratskoe-vk", "net-vk", "net-telegram"], "the default: net-vk"
    district, bratskoe = _card(page, "net-vk"), _card(page, "net-vk-bratskoe-vk")
    assert f'<h3 class="card-title">ВКонтакте · {DISTRICT}</h3>' in district
    assert f"<b>{DISTRICT}</b>" in district and f"<b>{BRATSKOE}</b>" in bratskoe
    assert _avatar(district) != _avatar(bratskoe), "each community's own picture"
    assert "https://vk.com/wall-1001_" in district and "wall-2002" not in district
    assert "https://vk.com/wall-2002_" in bratskoe and "wall-1001" not in bratskoe
    assert "kind-update" in district and "kind-update" in bratskoe, "each account's own action"
    telegram = _card(page, "net-telegram")
    assert '<h3 class="card-title">Telegram</h3>' in telegram and "<b>Глава района</b>" in telegram
    index = (out / "index.html").read_text(encoding="utf-8")
    published = r": опубликовано \d{1,2} декабря в \d\d:\d\d; изменить</a>"
    assert re.search(f"ВКонтакте · {BRATSKOE}{published}", index), "status, then the action"
    assert re.search(f"Telegram{published}", index)
    archive = (out / "archive.html").read_text(encoding="utf-8")
    assert f">ВКонтакте · {BRATSKOE}</a>" in archive and f">ВКонтакте · {DISTRICT}</a>" in archive


def _card(page: str, anchor: str) -> str:
    match = re.search(rf'<article class="card [^"]*" id="{anchor}".*?</article>', page, re.S)
    assert match, anchor
    return match.group(0)


def _avatar(card: str) -> str:
    match = re.search(r'<img class="avatar" src="([^"]+)"', card)
    assert match, "no avatar"
    return match.group(1)


def test_the_accounts_page_lists_every_account_by_network(run: Publisher, tmp_path: Path) -> None:
    out = tmp_path / "site"
    ok(run, "site", "build", "--out", str(out))
    page = (out / "accounts.html").read_text(encoding="utf-8")
    groups = re.findall(r'<section class="account-group" data-network="(\w+)">\s*<h2>([^<]+)', page)
    assert groups == [("vk", "ВКонтакте"), ("telegram", "Telegram")]
    ids = re.findall(r'<article class="account [^"]*" id="account-([^"]+)"', page)
    assert ids == ["district-vk", "bratskoe-vk", "head-tg"], "the default first, then by file"
    assert "accounts/settlements/bratskoe-vk.md · id 2002" in page
    district = page[page.index('id="account-district-vk"') : page.index('id="account-bratskoe')]
    assert "Аккаунт по умолчанию" in district and f"<b>{DISTRICT}</b>" in district
    assert "по умолчанию" not in page[page.index('id="account-bratskoe-vk"') :]


def test_the_monthly_report_counts_each_account_and_each_network(run: Publisher) -> None:
    ok(run, "apply")
    report = ok(run, "report", "--month", "2026-12")
    rows = {
        cells[0]: cells[-1]
        for line in report.splitlines()
        if line.startswith("| ") and (cells := [c.strip() for c in line.strip("|").split("|")])
    }
    assert rows[f"ВКонтакте · {DISTRICT}"] == "1"
    assert rows[f"ВКонтакте · {BRATSKOE}"] == "2"
    assert rows["ВКонтакте, всего"] == "3"
    assert rows["Telegram"] == "1", "one channel: the network's row alone"
    assert rows["Всего"] == "4"
    assert "ВКонтакте" not in rows, "no bare row for a network split by account"


def test_a_silent_account_shows_as_zeros_beside_the_others(run: Publisher) -> None:
    write_files(
        run.repo,
        {
            "content/2026/12/elka.md": ELKA.replace("bratskoe-vk, ", ""),
            "content/2026/12/skhod.md": SKHOD.replace("title:", "status: draft\ntitle:"),
        },
    )
    ok(run, "apply")
    report = ok(run, "report", "--month", "2026-12")
    assert re.search(rf"\| ВКонтакте · {BRATSKOE} \|( 0 \|)+$", report, re.M), report
    assert re.search(r"\| ВКонтакте, всего \|.* 1 \|$", report, re.M)


def test_the_cover_goes_to_each_community(run: Publisher) -> None:
    design = {f"design/{p.name}": p.read_bytes() for p in (ROOT / "design").glob("cover*")}
    write_files(run.repo, design)
    output = ok(run, "accounts", "cover", "--upload")
    assert (
        f"Загружено в ВКонтакте · {DISTRICT}." in output
        and f"Загружено в ВКонтакте · {BRATSKOE}." in output
    )
    groups = run.sandboxes().store.read("vk")["groups"]
    covers = {str(gid): group.get("cover") for gid, group in groups.items()}
    assert covers["1001"] and covers["2002"], "both communities have the cover"


def test_fitted_images_are_named_after_their_account(run: Publisher) -> None:
    wide = {
        "design/district.jpg": jpeg_bytes(600, 400),
        "design/bratskoe.jpg": jpeg_bytes(800, 600),
    }
    write_files(run.repo, wide)
    output = ok(run, "accounts", "fit")
    assert "design/fitted/district-district-vk-avatar.jpg" in output
    assert "; впишите этот путь в accounts/settlements/bratskoe-vk.md" in output
    assert (run.repo / "design/fitted/bratskoe-bratskoe-vk-avatar.jpg").is_file()


def test_a_removed_post_is_deleted_from_each_account_it_was_on(run: Publisher) -> None:
    ok(run, "apply")
    (run.repo / "content/2026/12/skhod.md").unlink()
    plan = ok(run, "plan")
    assert re.search(
        rf"^- удалить\s+ВКонтакте · {BRATSKOE}\s+content/2026/12/skhod.published.yml", plan, re.M
    )
    ok(run, "apply")
    assert [p["owner_id"] for p in run.feed("vk")] == [-2002, -1001], "the settlement's post gone"


def test_a_repository_with_one_account_per_network_reads_as_before(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    news = SKHOD.replace("accounts: [bratskoe-vk]", "networks: [vk]")
    run = publisher(make_repo({"content/2026/12/news.md": news}))
    plan = ok(run, "plan")
    assert "+ создать        ВКонтакте  2026/12/news  [" in plan
    assert "| + создать | ВКонтакте | ` 2026/12/news ` |" in ok(run, "plan", "--format", "markdown")
    ok(run, "apply")
    assert re.search(
        r"^    создать ВКонтакте: 2026/12/news \[готово\] https://", ok(run, "log"), re.M
    )


INSTAGRAM = """---
network: instagram
id: "{id}"
title: {title}
token_env: INSTAGRAM_TOKEN
---
{title}: новости.
"""


def test_steps_by_hand_stay_listed_until_confirmed_per_account(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    district = INSTAGRAM.format(id="17841400000000001", title="Район")
    settlement = INSTAGRAM.format(id="17841400000000002", title="Братское")
    run = publisher(
        make_repo(
            {
                "accounts/district-ig.md": district,
                "accounts/settlements/bratskoe-ig.md": settlement,
            }
        )
    )
    manual = [line for line in ok(run, "plan").splitlines() if line.startswith("✎")]
    assert [re.split(r"\s{2,}|\s(?=accounts/)", line)[1:] for line in manual] == [
        ["Instagram · Район", "accounts/district-ig"],
        ["Instagram · Братское", "accounts/bratskoe-ig"],
    ]
    ok(run, "apply")
    assert not (run.repo / "accounts/settlements/bratskoe-ig.published.yml").exists()
    assert "вручную 2" in ok(run, "plan"), "nobody has done them yet"
    ok(run, "accounts", "done", "bratskoe-ig", "title", "description")
    assert (run.repo / "accounts/settlements/bratskoe-ig.published.yml").is_file()
    manual = [line for line in ok(run, "plan").splitlines() if line.startswith("✎")]
    assert len(manual) == 1 and "Instagram · Район" in manual[0], "the district's still waits"
    write_files(run.repo, {"accounts/settlements/bratskoe-ig.md": settlement + "Пишите нам.\n"})
    manual = [line for line in ok(run, "plan").splitlines() if line.startswith("✎")]
    assert len(manual) == 2 and "Instagram · Братское" in manual[1], "its description again"


def test_the_moderation_log_and_the_inbox_name_the_account(run: Publisher, tmp_path: Path) -> None:
    entry = """- network: vk
  account: bratskoe-vk
  comment: '7'
  author_id: '77'
  category: spam
  action: deleted
  at: '2026-12-01T10:00:00+00:00'
"""
    message = """---
network: vk
account: bratskoe-vk
id: '12'
received: 2026-12-01T10:00+03:00
category: roads
due: 2026-12-02T18:00+03:00
status: new
---

> Когда починят дорогу?
"""
    files = {
        "moderation/log/2026-12.yml": entry,
        "content/inbox/2026/12/bratskoe-vk-12.md": message,
    }
    write_files(run.repo, files)
    out = tmp_path / "site"
    ok(run, "site", "build", "--out", str(out))
    for page in ("moderation.html", "inbox.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert re.search(f'<td data-label="[^"]+">ВКонтакте · {BRATSKOE}</td>', html), page
    inbox = (out / "inbox.html").read_text(encoding="utf-8")
    assert "bratskoe-vk-12.md" not in inbox, "no file path on the inbox page"
    assert "Когда починят дорогу?" not in inbox, "a public site keeps the question out"
    ok(run, "site", "build", "--out", str(out), "--personal-data")
    inbox = (out / "inbox.html").read_text(encoding="utf-8")
    assert "Когда починят дорогу?" in inbox and "02.12.2026 18:00" in inbox, "question, deadline"
