"""YAML read without PyYAML reads exactly as PyYAML reads it, or is left to it: result files,
and front matter as people write it (values, and each field's line)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.core import front_matter, quick_yaml
from publisher.core.front_matter import FrontMatterError, read_front_matter
from publisher.core.model import ResultEntry
from publisher.state import result_files
from publisher.state.result_files import HEADER, entry_to_dict, parse_result_file

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: text that YAML reads in many ways: words it resolves to other types, indicators, quotes,
#: comments, line breaks of every kind, Cyrillic, a byte-order mark
TRICKY = st.one_of(
    st.sampled_from(
        [
            *("yes", "No", "on", "OFF", "null", "~", "true", "0", "-0", "007", "0x1F", "1_000"),
            *("12:30", "1.5", ".inf", "2026-01-01", "2026-01-01T09:00:00+00:00", "<<", "="),
            *("- a", "a: b", "a #b", "a#b", "it's", '"q"', "[1]", "{}", "[]", "&a", "*a", "!t"),
            *("https://vk.com/wall-1_2", "-5", "a  b", " a", "a ", "a:", ":a", "?a", "%a", "@a"),
            *("Сеть ответила: ошибка", "\u2028", "\x85", "\ufeff", "\t", "\r", "", "#"),
        ]
    ),
    st.text(max_size=30),
    st.text(alphabet="ab:#'\" -_.,[]{}?!&*|>%@`~=01\n\t", max_size=20),
)
SCALARS = st.one_of(TRICKY, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))
EXTRA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=5,
)


def written(post: str, entries: dict[str, dict[str, Any]]) -> str:
    """A result file as ``ResultFiles`` writes it."""
    document = {"post": post, "networks": entries}
    return HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


def same_as_pyyaml(text: str) -> None:
    """``read`` gives what PyYAML gives, or leaves the text to it (always if PyYAML fails)."""
    quick = quick_yaml.read(text)
    try:
        expected = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError:
        assert quick is None
        return
    assert quick is None or (quick == expected and _types(quick) == _types(expected))


def _types(value: Any) -> Any:
    """The value with each leaf replaced by its type (``1 == True == 1.0`` hides a change)."""
    if isinstance(value, dict):
        return {_types(k): _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value)


ENTRY = st.builds(
    ResultEntry,
    network=st.just("vk"),
    state=st.sampled_from(["published", "failed", "intent", "deleted"]),
    remote_id=TRICKY,
    url=TRICKY,
    parts=st.lists(TRICKY, max_size=3).map(tuple),
    error=TRICKY,
    extra=st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), EXTRA, max_size=3),
)


@settings(max_examples=400, deadline=None)
@given(post=TRICKY, entries=st.lists(ENTRY, min_size=1, max_size=2))
def test_a_written_result_file_reads_as_pyyaml_reads_it(
    post: str, entries: list[ResultEntry]
) -> None:
    same_as_pyyaml(
        written(post, {e.network + str(i): entry_to_dict(e) for i, e in enumerate(entries)})
    )


@settings(max_examples=400, deadline=None)
@given(
    entry=ENTRY,
    at=st.integers(min_value=0, max_value=400),
    cut=st.integers(min_value=0, max_value=3),
    insert=st.sampled_from(["", " ", "  ", "\n", "- ", ": ", "#", "'", "\t", "x", "\n  x:"]),
)
def test_a_damaged_result_file_reads_as_pyyaml_reads_it(
    entry: ResultEntry, at: int, cut: int, insert: str
) -> None:
    text = written("2026/12/elka", {"vk": entry_to_dict(entry)})
    at = min(at, len(text))
    same_as_pyyaml(text[:at] + insert + text[at + cut :])


PUBLISHED = ResultEntry(
    network="vk",
    state="published",
    account="vk",
    remote_id="12",
    url="https://vk.com/wall-1_12",
    parts=("12", "13"),
    content_hash="64adfd0d40973a4df645014d855f7925584d8cdcab6c3effae878fd1978398fa",
    at="2026-01-01T09:00:00+00:00",
    operation="create",
    extra={"attachments": ["photo-1_2"], "owner_id": -1, "silent": True, "none": None},
)


def test_what_apply_writes_is_read_without_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    text = written("2026/12/elka", {"vk": entry_to_dict(PUBLISHED)})

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("read by PyYAML")

    monkeypatch.setattr(result_files.yaml, "load", refuse)

    assert parse_result_file(text).entries == {"vk": PUBLISHED}


@pytest.mark.parametrize(
    "line",
    [
        "    state: published\t",
        "    state: published\r",
        "\ufeff",
        "    url: a\u2028b",
        "    url: a\x85b",
        "    state: published",  # the same key twice
        "    on: x",  # a key PyYAML takes for True
        "    remote_id: 0o17",
        "    remote_id: 1_000",
        "    remote_id: 12:30",
        "    remote_id: 1.5",
        "    at: 2026-02-30",  # no such day: PyYAML reports it
        "    remote_id: <<",
        "    remote_id: &a x",
        "    remote_id: !!str x",
        "    remote_id: *a",
        "    remote_id: {a: b}",
        "    remote_id: [a]",
        "    remote_id: a # comment",
        "    remote_id: x  ",
        "    remote_id:",
        "      more",
        "---",
        "...",
        "   ",
        "  # an indented comment",
        "    parts: [a:b]",  # scanners differ on a colon in a flow sequence
        "    parts: [a, ]",
        "    parts: [ ]",
        "    parts: [a, [b]]",
    ],
)
def test_anything_outside_the_written_form_is_left_to_pyyaml(line: str) -> None:
    text = written("2026/12/elka", {"vk": {"state": "published", "remote_id": "12"}})

    assert quick_yaml.read(text) is not None
    assert quick_yaml.read(text + line + "\n") is None


#: front matter fields, and values as people write them: words, lists, times, numbers
FIELD = st.sampled_from(["title", "networks", "status", "tags", "id", "publish_at", "on", "x-y"])
#: a value in the form read without PyYAML, mostly (words, numbers, dates, dashes, slashes)
BENIGN = st.from_regex(r"[абвЁёAbXy0-9][абвгдЁёAbcXyz0-9 _./-]{0,15}", fullmatch=True).map(
    str.strip
)
WRITTEN = st.one_of(
    BENIGN,
    BENIGN,
    st.lists(BENIGN, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
    st.lists(BENIGN, min_size=1, max_size=3).map(
        lambda items: "\n" + "".join(f"  - {i}\n" for i in items)
    ),
    TRICKY,
    st.lists(st.sampled_from(["vk", "telegram", "Ёлка", "yes", "1", "a b", "a:b", "a?b"])).map(
        lambda items: "[" + ", ".join(items) + "]"
    ),
    st.sampled_from(["2026-12-31 10:00", "2026-12-31T10:00:00+03:00", "2026-02-30", "12:30"]),
    st.lists(TRICKY, min_size=1, max_size=3).map(
        lambda items: "\n" + "".join(f"  - {i}\n" for i in items)
    ),
    st.dictionaries(st.sampled_from(["vk", "text", "on"]), TRICKY, min_size=1, max_size=2).map(
        lambda sub: "\n" + "".join(f"  {k}: {v}\n" for k, v in sub.items())
    ),
)


def front(fields: list[tuple[str, str]], blank: bool) -> str:
    lines = "".join(
        f"{name}: {value}\n" if not value.startswith("\n") else f"{name}:{value}"
        for name, value in fields
    )
    return "---\n" + ("\n" if blank else "") + lines + "---\nТекст поста.\n"


def read_by_pyyaml(text: str, monkeypatch: pytest.MonkeyPatch) -> object:
    with monkeypatch.context() as patch:
        patch.setattr(quick_yaml, "read_with_lines", lambda _raw: None)
        return _outcome(text)


def _outcome(text: str) -> object:
    try:
        found = read_front_matter(text)
    except FrontMatterError as error:
        return ("error", error.line, error.message)
    return (found.data, _types(found.data), found.lines, found.body)


@settings(max_examples=500, deadline=None)
@given(
    fields=st.one_of(
        st.lists(st.tuples(FIELD, WRITTEN), min_size=1, max_size=5),
        st.dictionaries(st.sampled_from(["title", "networks", "tags", "id", "when"]), WRITTEN)
        .filter(bool)
        .map(lambda unique: list(unique.items())),
    ),
    blank=st.booleans(),
)
def test_front_matter_reads_as_pyyaml_reads_it_with_each_line(
    fields: list[tuple[str, str]], blank: bool
) -> None:
    text = front(fields, blank)
    with pytest.MonkeyPatch.context() as patch:
        expected = read_by_pyyaml(text, patch)

    assert _outcome(text) == expected


def test_front_matter_as_people_write_it_is_read_without_pyyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = (
        "---\ntitle: Ёлка на площади\nnetworks: [vk, telegram]\nstatus: ready\n"
        "tags: [праздники]\npublish_at: 2026-12-31 10:00\nmedia:\n  - elka.jpg\n"
        "overrides:\n  vk:\n    text: Короче\n---\nТекст.\n"
    )
    expected = read_by_pyyaml(text, monkeypatch)

    def refuse(*_args: object) -> None:
        raise AssertionError("read by PyYAML")

    monkeypatch.setattr(front_matter, "_compose_and_load", refuse)

    assert _outcome(text) == expected
    assert read_front_matter(text).lines["networks[1]"] == 3
