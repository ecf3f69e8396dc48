"""monitoring.yml: phrases in every form, and every mistake named at its line with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.core.errors import ConfigError
from publisher.moderation.monitoring import load_monitoring, monitoring_problems

GOOD = """networks: [vk]
phrases: [Приморско-Ахтарск, Ахтарск, улица Мира, Бондаренко]
communities:
  vk: [podslushano_ahtarsk, "https://vk.com/typical_ahtarsk", club42]
exclude: [продам]
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "monitoring.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_no_file_monitors_nothing(tmp_path: Path) -> None:
    assert load_monitoring(tmp_path) is None and monitoring_problems(tmp_path) == []


@pytest.mark.parametrize(
    "text",
    [
        "Вчера в Ахтарске прорвало трубу",
        "Ахтарцы, у кого нет света?",
        "ахтарчане, помогите",
        "В Приморско-Ахтарском районе снег",
        "На улице Мира темно",
        "Глава Бондаренко обещал",
    ],
)
def test_phrases_match_every_form(tmp_path: Path, text: str) -> None:
    monitoring = load_monitoring(write(tmp_path, GOOD))
    assert monitoring is not None and monitoring.mentions(text)


@pytest.mark.parametrize("text", ["Мировой рекорд по плаванию", "Мир, труд, май", "Краснодар"])
def test_a_short_root_or_another_word_does_not_match(tmp_path: Path, text: str) -> None:
    monitoring = load_monitoring(write(tmp_path, GOOD))
    assert monitoring is not None and monitoring.mentions(text) == ""


def test_exclusions_match_forms_too(tmp_path: Path) -> None:
    monitoring = load_monitoring(write(tmp_path, GOOD))
    assert monitoring is not None
    assert monitoring.excluded("Продам дом в Ахтарске") and monitoring.excluded("продать гараж")
    assert not monitoring.excluded("Когда уберут снег в Ахтарске?")


def test_a_link_to_a_vk_community_reads_as_its_short_name(tmp_path: Path) -> None:
    monitoring = load_monitoring(write(tmp_path, GOOD))
    assert monitoring is not None
    assert monitoring.communities["vk"] == ("podslushano_ahtarsk", "typical_ahtarsk", "club42")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (GOOD + "api_base: https://evil.example\n", 6, "api_base"),
        (GOOD.replace("club42", "https://evil.example/vk"), 4, "evil.example"),
        (GOOD.replace("club42", "'../../etc/passwd'"), 4, "passwd"),
        (GOOD.replace("networks: [vk]", "networks: [telegram]"), 1, "Telegram"),
        (GOOD.replace("networks: [vk]", "networks: [myspace]"), 1, "myspace"),
        (GOOD + "days: 400\n", 6, "days"),
        (GOOD.replace("exclude: [продам]", "exclude: продам"), 5, "exclude"),
        (GOOD.replace("Бондаренко]", "'!!!']"), 2, "!!!"),
        ("networks: [vk]\n", 1, "phrases"),
        ("networks: [vk\n", 2, "YAML"),
    ],
)
def test_a_mistake_is_named_at_its_line_with_a_fix(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_monitoring(tmp_path)
    assert raised.value.message.startswith(f"monitoring.yml:{line}: "), raised.value.message
    assert words in raised.value.message + raised.value.hint
    (problem,) = monitoring_problems(tmp_path)
    assert (problem.path, problem.line) == ("monitoring.yml", line)
