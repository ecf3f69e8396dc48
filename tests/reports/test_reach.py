"""Reach in the monthly report and on the site: the figures ``stats collect`` wrote, the top
posts, follower growth, "нет данных" where a network gives nothing, and hostile stats files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import OK_ACCOUNT, Sandboxes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.engine.workspace import open_workspace
from publisher.reports.monthly import monthly_report, report_html, report_markdown
from publisher.reports.site import build_site
from publisher.sandbox.vk import VkApiError, VkEmulator

POST = """---
title: {title}
networks: [vk, telegram, ok]
---

{title}: подробности в группе.
"""
DAY = 86_400


class Run:
    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.clock: FakeClock = sandboxes.clock

    def __call__(self, *args: str) -> Result:
        prefix = ["--repo", str(self.repo), "--sandbox", str(self.sandboxes.state)]
        return CliRunner().invoke(main, [*prefix, *args], obj=Deps(self.clock, {}))

    def markdown(self, month: str = "2026-12") -> str:
        ws = open_workspace(self.repo, self.clock, {})
        return report_markdown(monthly_report(ws, ws.load(), month))


@pytest.fixture
def run(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Run:
    files = {
        "content/katok.md": POST.format(title="Каток открыт"),
        "content/elka.md": POST.format(title="Ёлка горит"),
        "accounts/ok.md": OK_ACCOUNT,
    }
    runner = Run(make_repo(files), sandboxes)
    assert runner("apply").exit_code == 0
    runner.clock.advance(DAY)
    assert runner("stats", "collect").exit_code == 0
    runner.clock.advance(2 * DAY)
    assert runner("stats", "collect").exit_code == 0
    return runner


def section(markdown: str, title: str) -> str:
    return markdown.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_report_shows_reach_per_network_and_says_what_a_network_cannot_tell(
    run: Run,
) -> None:
    markdown = run.markdown()
    networks = section(markdown, "Охват по сетям")
    stats = yaml.safe_load((run.repo / "stats/2026-12.yml").read_text())
    views = sum(stats["posts"][p]["vk"]["views"] for p in ("katok", "elka"))
    assert f"| ВКонтакте | 2 | {views} |" in networks
    assert "| Telegram | нет данных | нет данных |" in networks
    assert "Одноклассники | 2 | нет данных | нет данных |" in networks
    assert "Telegram: нет данных. Боты Telegram не видят просмотров" in networks


def test_top_posts_and_follower_growth(run: Run) -> None:
    markdown = run.markdown()
    top = section(markdown, "Лучшие посты").splitlines()
    rows = [line for line in top if line.startswith("| ") and "---" not in line][1:]
    assert rows and all("ВКонтакте" in r or "Одноклассники" in r for r in rows)
    views = [int(r.split("|")[3]) for r in rows if "ВКонтакте" in r]
    assert views == sorted(views, reverse=True)
    growth = section(markdown, "Рост подписчиков")
    stats = yaml.safe_load((run.repo / "stats/2026-12.yml").read_text())
    days = stats["followers"]["telegram"]["days"]
    first, last = days["2026-12-02"], days["2026-12-04"]
    assert f"| Telegram | {first} | {last} | {last - first} |" in growth


def test_a_posts_figures_read_next_month_count_for_its_own_month(run: Run) -> None:
    run.clock.advance(30 * DAY)
    assert run("stats", "collect").exit_code == 0
    january = yaml.safe_load((run.repo / "stats/2027-01.yml").read_text())
    views = sum(january["posts"][p]["vk"]["views"] for p in ("katok", "elka"))
    assert f"| ВКонтакте | 2 | {views} |" in section(run.markdown(), "Охват по сетям")
    assert "| ВКонтакте | 0 | нет данных |" in section(run.markdown("2027-01"), "Охват по сетям")


def test_hand_made_records_and_bad_figures_never_reach_the_report(run: Run) -> None:
    path = run.repo / "stats/2026-12.yml"
    data = yaml.safe_load(path.read_text())
    data["posts"]["fake"] = {"vk": {"remote_id": "1", "views": 10**9, "network": "vk"}}
    data["posts"]["katok"]["vk"]["remote_id"] = "999"
    data["posts"]["elka"]["vk"]["views"] = "<script>alert(1)</script>"
    data["followers"]["vk"]["days"]["2026-12-03"] = -7
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ws = open_workspace(run.repo, run.clock, {})
    report = monthly_report(ws, ws.load(), "2026-12")
    markdown = report_markdown(report)
    assert "1000000000" not in markdown and "fake" not in markdown
    assert "<script>" not in markdown and "<script>" not in report_html(report)
    top = section(markdown, "Лучшие посты")
    assert "Каток открыт | ВКонтакте" not in top, "a record of another remote id is not the post's"
    assert "-7" not in section(markdown, "Рост подписчиков")


def test_a_post_page_shows_its_own_figures(run: Run, tmp_path: Path) -> None:
    ws = open_workspace(run.repo, run.clock, {})
    build_site(ws, ws.load(), tmp_path / "site")
    page = (tmp_path / "site/post-katok.html").read_text(encoding="utf-8")
    stats = yaml.safe_load((run.repo / "stats/2026-12.yml").read_text())
    vk = stats["posts"]["katok"]["vk"]
    assert "<h2>Охват</h2>" in page
    assert f'<td data-label="Просмотры">{vk["views"]}</td>' in page
    assert f'<td data-label="Охват">{vk["reach"]}</td>' in page
    assert str(stats["posts"]["elka"]["vk"]["views"]) not in page
    table = page.split("<h2>Охват</h2>", 1)[1].split("</table>", 1)[0]
    assert ">Telegram</td>" in table and table.count("нет данных") >= 5, "a channel: no data"
    report = (tmp_path / "site/report-2026-12.html").read_text(encoding="utf-8")
    assert "Охват по сетям" in report and "Рост подписчиков" in report


def test_reach_a_token_could_not_read_is_no_data_with_the_reason(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: VkEmulator, call: object) -> object:
        raise VkApiError(15, "Access denied: no access to call this method")

    monkeypatch.setattr(VkEmulator, "stats_get_post_reach", denied)
    run.clock.advance(3600)
    result = run("stats", "collect")
    assert result.exit_code == 0, result.output
    assert "ВКонтакте: нет данных: ВКонтакте не дал охват" in result.output
    markdown = run.markdown()
    networks = section(markdown, "Охват по сетям")
    (vk,) = [line for line in networks.splitlines() if line.startswith("| ВКонтакте |")]
    assert vk.split(" | ")[3] == "нет данных", "no reach, not zero reach"
    accounts = section(markdown, "Охват по аккаунтам")
    assert "ВКонтакте: нет данных. ВКонтакте не дал охват" in accounts
    assert "администратора сообщества" in accounts
