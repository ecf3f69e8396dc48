"""The docs tell the truth: generated README blocks, schemas, one emulator per adapter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from publisher.commands.docs import (
    MEDIA_END,
    MEDIA_START,
    TABLE_END,
    TABLE_START,
    TOKENS_END,
    TOKENS_START,
    capability_table,
    media_table,
    replace_block,
    token_help,
)
from publisher.content.load import ACCOUNT_FIELDS, ID_PATTERN, POST_FIELDS
from publisher.networks import ADAPTERS, adapter_class
from publisher.sandbox.app import EMULATORS, emulator_class

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCHEMAS = ROOT / "publisher" / "schemas"


def test_readme_shows_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_capability_table_matches_the_adapters() -> None:
    expected = replace_block(README, TABLE_START, TABLE_END, capability_table())
    expected = replace_block(expected, MEDIA_START, MEDIA_END, media_table())
    expected = replace_block(expected, TOKENS_START, TOKENS_END, token_help())
    assert expected == README, "run `make docs` to regenerate the README tables"


def test_the_media_table_gives_each_networks_sizes_formats_and_video_lengths() -> None:
    rows = {line.split(" | ")[0]: line for line in media_table().splitlines()}

    assert rows["| X (бывший Twitter) (`x`)"].split(" | ")[2] == (
        "до 512 МБ; MP4; от 0,5 с до 2 мин 20 с"
    )
    assert rows["| Instagram (`instagram`)"].split(" | ")[2:] == [
        "до 300 МБ; от 3 с до 15 мин",
        "—",
        "— |",
    ]
    assert rows["| ВКонтакте (`vk`)"].split(" | ")[2] == "до 256 ГБ", "no length documented"


def test_every_adapter_has_an_emulator_and_declares_itself() -> None:
    assert set(ADAPTERS) == set(EMULATORS)
    for name in ADAPTERS:
        cls = adapter_class(name)
        assert cls.name == name
        assert cls.title and cls.token_help.strip()
        assert emulator_class(name).network == name


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1]) or {}


@pytest.mark.parametrize(
    ("schema", "fields", "pattern"),
    [
        ("post.schema.json", POST_FIELDS, "content/**/*.md"),
        ("account.schema.json", ACCOUNT_FIELDS, "accounts/*.md"),
    ],
)
def test_schema_covers_the_fields_and_accepts_the_examples(
    schema: str, fields: tuple[str, ...], pattern: str
) -> None:
    document = json.loads((SCHEMAS / schema).read_text(encoding="utf-8"))
    assert set(document["properties"]) == set(fields)
    files = sorted(ROOT.glob(pattern))
    assert files
    for path in files:
        data = json.loads(json.dumps(_front_matter(path), default=str))
        jsonschema.validate(data, document)


@pytest.mark.parametrize(
    "value",
    ["elka", "2026/12/elka-na-ploshchadi", "a" * 100, "a" * 101, "Ёлка", "../x", "a//b", "-a", ""],
)
def test_the_schema_and_check_agree_on_what_an_id_is(value: str) -> None:
    schema = json.loads((SCHEMAS / "post.schema.json").read_text(encoding="utf-8"))
    pattern = schema["properties"]["id"]["pattern"]
    assert bool(re.search(pattern, value)) == bool(ID_PATTERN.match(value))
