"""The search for committed tokens finds, line by line, what the plain search finds: its quick
answers (``token_shaped``, the text without a secret's word) never hide a token."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.content.secrets import _RUN, ALLOW_MARKER, find_tokens
from publisher.core.redact import TOKEN_SHAPE, TOKEN_SHAPES, assigned_secret
from publisher.state.result_files import HEADER


def plain_search(text: str) -> list[int]:
    """Every run of token characters matched against the expressions, no quick answer."""
    numbers: list[int] = []
    for number, line in enumerate(text.split("\n"), 1):
        if ALLOW_MARKER in line:
            continue
        for run in _RUN.finditer(line):
            if TOKEN_SHAPE.search(run.group()) or assigned_secret(line):
                numbers.append(number)
                break
    return numbers


TOKENS = st.sampled_from(list(TOKEN_SHAPES.values())).flatmap(
    lambda shape: st.from_regex(shape, fullmatch=True)
)
RANDOM = st.text(alphabet="abcdefXYZ0123456789_-+/.~", min_size=20, max_size=40)
LINES = st.one_of(
    TOKENS,
    st.tuples(st.sampled_from(["api_key", "TOKEN", "Secret", "ſecret", "url"]), RANDOM).map(
        lambda pair: f"    {pair[0]}: {pair[1]}"
    ),
    st.sampled_from(
        [
            "    content_hash: 64adfd0d40973a4df645014d855f7925584d8cdcab6c3effae878fd1978398fa",
            "    url: https://vk.com/wall-1_12",
            "    at: '2026-01-01T09:00:00+00:00'",
            "Приходите в субботу в парк.",
            f"example: vk1.a.{'x' * 30}  # {ALLOW_MARKER}",
            HEADER.rstrip("\n"),
        ]
    ),
    st.text(max_size=60).map(lambda text: text.replace("\n", " ")),
)


#: two pieces on one line, glued so that one may run into the other
GLUED = st.tuples(LINES, st.sampled_from(["", " ", "=", ": ", "\r"]), LINES).map("".join)


@settings(max_examples=500, deadline=None)
@given(lines=st.lists(st.one_of(LINES, GLUED), max_size=12))
def test_the_search_finds_what_the_plain_search_finds(lines: list[str]) -> None:
    text = "\n".join(lines)

    assert find_tokens(text) == plain_search(text)


VK_LEGACY = "5e0f" * 21 + "a"
TELEGRAM = "7012345678:AAGx9Kq2Lm7Vb4Np8Zr3Ws6Yd1Hc5Gf0Jux"  # pragma: allowlist secret
MAX_TOKEN = "f9LHodD0cOIn8H6zb4A3Uj7fsH5qV2LsX1rT8wKm"  # pragma: allowlist secret


def test_a_token_in_a_result_file_is_found_wherever_apply_would_write_a_value() -> None:
    text = HEADER + (
        "post: 2026/12/elka\nnetworks:\n  telegram:\n    state: published\n"
        f"    url: https://api.telegram.org/bot{TELEGRAM}/getMe\n"
        f"    content_hash: {VK_LEGACY}\n"
        "    media_hash: d09bea4ca0ac61c68fccb85bdd08e05a\n"
        "    extra:\n"
        f"      access_token: {MAX_TOKEN}\n"
    )

    assert find_tokens(text) == [7, 8, 11]
