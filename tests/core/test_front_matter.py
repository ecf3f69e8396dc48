"""The one front matter reader: python-frontmatter's split, each field and problem at its line."""

from __future__ import annotations

import pytest

from publisher.core.front_matter import (
    BODY,
    FrontMatterError,
    NoFrontMatter,
    body_of,
    read_front_matter,
)


@pytest.mark.parametrize(
    ("text", "lines", "body"),
    [
        (
            "---\ntitle: Ёлка\nstatus: ready\n---\nТекст.\n",
            {"title": 2, "status": 3, BODY: 5},
            "Текст.",
        ),
        ("\ufeff---\ntitle: Ёлка\n---\nТекст.\n", {"title": 2, BODY: 4}, "Текст."),  # a BOM
        ("---\r\ntitle: Ёлка\r\n---\r\nТекст.\r\n", {"title": 2, BODY: 4}, "Текст.\r"),
        ("--- \ntitle: Ёлка\n-----\t\n\n\nТекст.\n", {"title": 2, BODY: 6}, "Текст."),
        # blank lines after the opening line are counted (the dashes' pattern takes them too)
        ("---\n\n  \ntitle: Ёлка\n---\nТекст.\n", {"title": 4, BODY: 6}, "Текст."),
        # only the first closing line ends the front matter; a later one is the body's
        ("---\ntitle: Ёлка\n---\nРаз.\n---\nДва.\n", {"title": 2, BODY: 4}, "Раз.\n---\nДва."),
        # nested keys and list items, each at its own line; no body
        (
            "---\nmedia:\n  - a.jpg\n  - b.jpg\noverrides:\n  vk: {text: Т}\n---\n",
            {"media": 2, "media[0]": 3, "media[1]": 4, "overrides": 5, "overrides.vk": 6, BODY: 1},
            "",
        ),
    ],
)
def test_fields_and_body_are_at_their_lines(text: str, lines: dict[str, int], body: str) -> None:
    document = read_front_matter(text)
    assert document.lines == lines
    assert document.body == body
    assert list(document.data) == [name for name in lines if name.isalpha()]


def test_an_empty_front_matter_has_no_fields() -> None:
    document = read_front_matter("---\n---\n\nТекст.\n")
    assert (document.data, document.lines, document.body) == ({}, {BODY: 4}, "Текст.")


def test_values_come_from_the_safe_loader() -> None:
    document = read_front_matter("---\npublish_at: 2026-12-31 10:00:00+03:00\ntags: [a]\n---\n")
    assert str(document.data["publish_at"]) == "2026-12-31 10:00:00+03:00"
    assert document.data["tags"] == ["a"]
    with pytest.raises(FrontMatterError):
        read_front_matter("---\nx: !!python/object/apply:os.system [ls]\n---\n")


@pytest.mark.parametrize(
    ("text", "line", "code", "words"),
    [
        ("title: Ёлка\n", 1, "no-front-matter", "нет полей"),
        (" ---\ntitle: Ёлка\n---\n", 1, "no-front-matter", "нет полей"),
        ("---\ntitle: Ёлка\nТекст.\n", 1, "yaml", "не закрыты"),
        ("---\n- a\n- b\n---\n", 1, "yaml", "списком вида"),
        ("---\ntitle: Ёлка\n\tstatus: ready\n---\n", 3, "yaml", "ошибка YAML"),
        ("---\ntitle: Ёлка\ntags: [a\n---\n", 4, "yaml", "ошибка YAML"),
        ("---\n\n\ntitle: [a\nstatus: ready\n---\n", 5, "yaml", "ошибка YAML"),
        ("---\ntitle: Ёлка\npublish_at: 2026-02-30\n---\n", 3, "timestamp", "несуществующая"),
        ("---\na: &x [1, 2]\nb: *x\n---\n", 2, "yaml-alias", "по ссылке"),
        ("\ufeff---\ntitle: Ёлка\ntags: [a\n---\n", 4, "yaml", "ошибка YAML"),
    ],
)
def test_each_problem_is_reported_at_its_line_in_russian(
    text: str, line: int, code: str, words: str
) -> None:
    with pytest.raises(FrontMatterError) as raised:
        read_front_matter(text)
    error = raised.value
    assert (error.line, error.code) == (line, code)
    assert words in error.message
    assert isinstance(error, NoFrontMatter) == (code == "no-front-matter")


@pytest.mark.parametrize(
    ("text", "line", "words", "quoted"),
    [
        (
            "---\ntitle: Приём граждан: график  # на декабрь\nstatus: ready\n---\n",
            2,
            "В заголовке двоеточие",
            'Заключите заголовок в кавычки: title: "Приём граждан: график"',
        ),
        (
            '---\ntitle: Каток\npoll:\n  question: Где "каток": тут?\n---\n',
            4,
            "В значении поля question двоеточие",
            'Заключите значение в кавычки: question: "Где \\"каток\\": тут?"',
        ),
    ],
)
def test_a_colon_in_a_value_is_explained_with_the_line_in_quotes(
    text: str, line: int, words: str, quoted: str
) -> None:
    with pytest.raises(FrontMatterError) as raised:
        read_front_matter(text)
    error = raised.value
    assert (error.line, error.code) == (line, "yaml-colon")
    assert words in error.message and error.hint == quoted
    assert read_front_matter(f"---\n{quoted.partition(': ')[2]}\n---\n").data, "that line reads"


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Ёлка\n  status: ready\n---\n",  # indented too far: the colon is the field's
        "---\ntitle: [Ёлка: a, b]: c\n---\n",  # not one name: value line
    ],
)
def test_other_colon_problems_keep_the_general_hint(text: str) -> None:
    with pytest.raises(FrontMatterError) as raised:
        read_front_matter(text)
    assert raised.value.code == "yaml"


def test_a_billion_laughs_is_refused_before_it_is_built() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(9)
    ]
    with pytest.raises(FrontMatterError) as raised:
        read_front_matter("---\n" + "\n".join(lines) + "\n---\n")
    assert raised.value.code == "yaml-alias"


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: Ёлка\nstatus: new\n---\nТекст.\n",
        "\ufeff---\ntitle: Ёлка\nstatus: new\n---\nТекст.\n",
        "---  \n\ntitle: Ёлка\nstatus: new\n-----\nТекст.\n",
    ],
)
def test_the_span_is_the_yaml_between_the_dash_lines(text: str) -> None:
    start, end = read_front_matter(text).span
    assert text[start:end].strip("\n ") == "title: Ёлка\nstatus: new"
    assert text[:start].rstrip("\n ").endswith("---") and text[end:].startswith("---")


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("---\ntitle: Ёлка\n---\n\nТекст.\n", "Текст.\n"),
        ("\ufeff---\ntitle: Ёлка\n---\nТекст.\n", "Текст.\n"),
        ("---\ntitle: Ёлка --- в парке\n---\nТекст.\n---\nЕщё.\n", "Текст.\n---\nЕщё.\n"),
        ("---\ntitle: [Ёлка\n---\nТекст.\n", "Текст.\n"),  # broken YAML: the body still reads
        ("---\ntitle: Ёлка\nТекст.\n", "---\ntitle: Ёлка\nТекст.\n"),  # not closed
        ("Текст без полей.\n---\n", "Текст без полей.\n---\n"),
    ],
)
def test_the_body_alone_is_split_off_whatever_the_yaml(text: str, body: str) -> None:
    assert body_of(text) == body
