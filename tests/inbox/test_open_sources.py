"""Messages from open sources end to end: monitoring.yml, VK's search in the sandbox, filing
each once with its department, and the answer published on the other community's wall."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import git
import pytest
import yaml
from click.testing import CliRunner
from commands.test_accounts import FakeIssues
from conftest import Publisher

from publisher.cli import Deps, main
from publisher.commands.inbox import OVERDUE_MARKER
from publisher.inbox.items import read_items
from publisher.sandbox.app import Sandbox

MONITORING = """networks: [vk]
phrases: [Ахтарск, улица Мира, Бондаренко]
communities:
  vk: [podslushano_ahtarsk]
exclude: [продам, куплю]
days: 3
"""
DEPARTMENTS = """default: general
departments:
  roads:
    title: Отдел дорожного хозяйства
    person: Иванов И. И.
    contacts: "+7 86143 2-11-11"
    reviewers: ["@ivanov", "@akhtarsk/roads"]
    categories: [roads]
  general:
    title: Общий отдел
    reviewers: ["@press"]
"""


class World:
    """A repository that monitors VK, and the other people's pages the sandbox holds."""

    def __init__(self, run: Publisher, box: Sandbox) -> None:
        self.run, self.box = run, box
        self.podslushano = box.add_community("vk", "podslushano_ahtarsk", "Подслушано в Ахтарске")
        self.other = box.add_community("vk", "typical_krai", "Типичный край")

    def post(self, text: str, community: str = "", author: str = "601", age: int = 600) -> str:
        where = community or self.podslushano
        return self.box.add_open_post("vk", where, text, author, "Анна Петрова", age)

    def items(self) -> list[dict[str, object]]:
        found = []
        for item in read_items(self.run.repo):
            if item.source == "open":
                found.append({"path": item.path, "department": item.department, "item": item})
        return found


@pytest.fixture
def world(make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]) -> World:
    repo = make_repo({"monitoring.yml": MONITORING, "departments.yml": DEPARTMENTS})
    run = publisher(repo)
    return World(run, run.sandboxes())


def test_messages_in_the_open_are_filed_once_with_link_source_and_department(
    world: World,
) -> None:
    pothole = world.post("На улице Мира яма, когда отремонтируют дорогу?")
    world.post("Продам дом в Ахтарске, недорого. Когда удобно смотреть?")
    world.post("С добрым утром, Ахтарск!")
    other = world.post("Почему в Ахтарске нет света второй день?", world.other, "602")
    world.box.add_comment("vk", pothole, "Кто ответит за эту яму? Колесо пробил", "603", "Пётр")

    result = world.run("inbox", "collect")

    assert result.exit_code == 0, result.output
    items = {str(i["path"]): i for i in world.items()}
    assert len(items) == 3, items
    pothole_file = next(p for p in items if p.endswith(f"_{pothole}.md"))
    data = yaml.safe_load(
        (world.run.repo / pothole_file).read_text(encoding="utf-8").split("---")[1]
    )
    assert data["source"] == "open"
    assert data["link"] == f"https://vk.com/wall-{world.podslushano}_{pothole}"
    assert data["category"] == "roads" and data["department"] == "roads"
    assert data["account"] == "vk" and data["reply_to"]["extra"]["owner_id"] == (
        f"-{world.podslushano}"
    )
    assert any(p.endswith(f"-{world.other}_{other}.md") for p in items)  # found by search
    assert any(i["department"] == "general" for i in items.values())

    again = world.run("inbox", "collect")
    assert again.exit_code == 0, again.output
    assert len(world.items()) == 3  # never twice, across runs and across searches


def test_one_post_found_by_search_and_on_a_watched_wall_is_filed_once(world: World) -> None:
    world.post("Бондаренко, когда починят дорогу на Мира? Ямы везде")
    assert world.run("inbox", "collect").exit_code == 0
    assert len(world.items()) == 1


def test_an_answer_goes_out_as_our_community_on_the_other_wall(world: World) -> None:
    post = world.post("Почему на улице Мира не горят фонари? Темно вечером")
    assert world.run("inbox", "collect").exit_code == 0
    (found,) = world.items()
    path = world.run.repo / str(found["path"])
    path.write_text(
        path.read_text(encoding="utf-8") + "Фонари починят до пятницы.\n", encoding="utf-8"
    )
    repo = git.Repo(world.run.repo)
    repo.git.add("--all")
    repo.git.commit("-m", "Ответ жителю")

    result = world.run("apply")

    assert result.exit_code == 0, result.output
    posts = world.box.show()["vk"]["posts"]
    target = next(p for p in posts if p["id"] == post)
    assert [c["text"] for c in target["comments"]] == ["Фонари починят до пятницы."]
    assert target["comments"][0]["author_id"] == "-1001"  # our community, not its admin


def answer(world: World, text: str) -> Path:
    """Write ``text`` as the answer to the one open message, and commit it."""
    (found,) = world.items()
    path = world.run.repo / str(found["path"])
    path.write_text(path.read_text(encoding="utf-8") + text + "\n", encoding="utf-8")
    repo = git.Repo(world.run.repo)
    repo.git.add("--all")
    repo.git.commit("-m", "Ответ жителю")
    return path


def test_a_wall_closed_to_communities_leaves_the_answer_to_a_person(world: World) -> None:
    closed = world.box.add_community("vk", "no_groups", "Без сообществ", groups_comment=False)
    post = world.post("Когда на улице Мира уберут мусор? Неделю лежит", closed)
    assert world.run("inbox", "collect").exit_code == 0
    path = answer(world, "Уберём завтра.")
    rel = path.relative_to(world.run.repo).as_posix()

    refused = world.run("apply")
    plan = world.run("plan")

    assert refused.exit_code == 3 and "inbox done" in refused.output, refused.output
    assert f"https://vk.com/wall-{closed}_{post}" in plan.output, plan.output
    assert f"publisher inbox done {rel}" in plan.output
    assert world.run("apply").exit_code == 0  # a step for a person is no failure

    done = world.run("inbox", "done", rel)

    assert done.exit_code == 0, done.output
    (item,) = [i["item"] for i in world.items()]
    assert item.status == "answered"  # type: ignore[attr-defined]
    assert "inbox done" not in world.run("plan").output
    again = world.run("inbox", "done", rel)
    assert again.exit_code != 0 and "уже" in again.output, again.output


def test_an_answer_the_style_linter_faults_is_held_back(world: World) -> None:
    post = world.post("Когда на улице Мира починят фонари? Темно")
    assert world.run("inbox", "collect").exit_code == 0
    answer(world, "В целях обеспечения освещения осуществляется проведение работ.")

    result = world.run("apply")

    target = next(p for p in world.box.show()["vk"]["posts"] if p["id"] == post)
    assert target["comments"] == []
    assert "не прошёл проверку стиля" in result.output, result.output


def test_a_monitoring_file_pointing_at_another_host_is_refused_at_its_line(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    hostile = MONITORING.replace(
        "vk: [podslushano_ahtarsk]", "vk: [podslushano_ahtarsk, https://evil.example/api]"
    )
    run = publisher(make_repo({"monitoring.yml": hostile + "api_base: https://evil.example\n"}))
    result = run("inbox", "collect")
    assert result.exit_code != 0
    assert "monitoring.yml:7" in result.output and "api_base" in result.output, result.output
    checked = run("check")
    assert "monitoring.yml" in checked.output and checked.exit_code != 0


def test_status_groups_by_department_and_the_issue_raises_what_is_nearly_due(
    world: World,
) -> None:
    world.post("На улице Мира яма, когда отремонтируют дорогу?", age=60)
    world.post("Почему в Ахтарске МФЦ закрыт по субботам? Работающим неудобно", age=60)
    assert world.run("inbox", "collect").exit_code == 0
    text = world.run("inbox", "status")
    assert "[Отдел дорожного хозяйства]" in text.output and "[Общий отдел]" in text.output
    assert '"by_department": {' in world.run("inbox", "status", "--format", "json").output

    world.run.clock.advance(7 * 3600)  # 19:00 Moscow: the 8 working hours end tomorrow noon
    forge = FakeIssues()
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "city/smm",
        "GITHUB_TOKEN": "ghs_job_token",
        "GITHUB_API_URL": "https://api.github.test",
    }
    prefix = ["--repo", str(world.run.repo), "--sandbox", str(world.run.state)]
    deps = Deps(world.run.clock, env, forge)
    quiet = CliRunner().invoke(main, [*prefix, "inbox", "status", "--issue"], obj=deps)
    world.run.clock.advance(16 * 3600)  # 11:00 the next day: an hour left for both
    raised = CliRunner().invoke(main, [*prefix, "inbox", "status", "--issue"], obj=deps)

    assert quiet.exit_code == raised.exit_code == 0, quiet.output + raised.output
    assert [r.method for r in forge.requests] == ["GET", "POST", "GET", "PATCH"]
    (issue,) = [i for i in forge.issues if OVERDUE_MARKER in i["body"]]
    body = issue["body"]
    assert "Отдел дорожного хозяйства — @ivanov @akhtarsk/roads" in body
    assert "Общий отдел — @press" in body and body.count("СКОРО СРОК") == 2


def test_the_monthly_report_counts_messages_by_source_and_department(world: World) -> None:
    world.post("На улице Мира яма, когда отремонтируют дорогу?")
    world.post("Почему в Ахтарске МФЦ закрыт по субботам? Работающим неудобно")
    assert world.run("inbox", "collect").exit_code == 0
    roads = next(i for i in world.items() if i["department"] == "roads")
    path = world.run.repo / str(roads["path"])
    path.write_text(path.read_text(encoding="utf-8") + "Яму засыплем.\n", encoding="utf-8")
    repo = git.Repo(world.run.repo)
    repo.git.add("--all")
    repo.git.commit("-m", "Ответ жителю")
    world.run.clock.advance(3600)
    assert world.run("apply").exit_code == 0
    world.run.clock.advance(3 * 86_400)  # the other one is overdue by now

    report = world.run("report", "--month", "2026-12").output

    assert "| открытые источники: ВКонтакте | 2 | 1 | 1,2 раб. ч | 1 |" in report, report
    assert "| Отдел дорожного хозяйства | 1 | 1 | 1,2 раб. ч | 0 |" in report
    assert "| Общий отдел | 1 | 0 | — | 1 |" in report
