"""Secrets found where a key named like one is given a random-looking value."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.core.redact import (
    _ASSIGNED,
    TOKEN_SHAPE,
    TOKEN_SHAPES,
    assigned_secret,
    looks_random,
    may_be_token_shaped,
    secret_words_in,
    token_shaped,
)

KEYS = (
    "token", "TOKEN", "Access_Key", "accesskey", "API-KEY", "apiKey", "passwd", "Password",
    "private_key", "Authorization", "bearer", "client_secret", "content_hash", "url", "key",
)  # fmt: skip
VALUE_CHARS = "abcdefABCDEF0123456789_-+/.~"


@given(
    st.text(alphabet="  #-\"'", max_size=4),
    st.sampled_from(KEYS),
    st.sampled_from((": ", "=", '": "', " = ", ":", "= Bearer ")),
    st.text(alphabet=VALUE_CHARS, min_size=10, max_size=48),
)
def test_the_quick_answer_is_the_expressions(
    before: str, key: str, separator: str, value: str
) -> None:
    """``assigned_secret`` skips the expression for ASCII lines without a secret's word in
    them: its answer must be the one the expression alone gives."""
    line = f"{before}{key}{separator}{value}"

    expected = any(looks_random(m.group(1)) for m in _ASSIGNED.finditer(line))

    assert assigned_secret(line) == expected


def test_a_token_assigned_to_a_secrets_key_is_found_in_any_case() -> None:
    value = "Zq8xK2mP9vL4nR7tW1yB5cD3"  # pragma: allowlist secret
    for key in ("api_key", "API_KEY", "Api-Key", "ſecret", "prıvate_key"):
        assert assigned_secret(f"{key}: {value}") == bool(_ASSIGNED.search(f"{key}: {value}"))
    assert assigned_secret(f"API_KEY={value}")
    assert not assigned_secret(f"content_hash: {value}")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(TOKEN_SHAPES.values())).flatmap(lambda shape: st.from_regex(shape)),
)
def test_the_quick_check_never_rules_out_a_token_shape(text: str) -> None:
    """``token_shaped`` runs the expression only where ``may_be_token_shaped`` says a match may
    be: it must say so for every text with a match of any shape."""
    assert TOKEN_SHAPE.search(text) is not None
    assert may_be_token_shaped(text)
    assert token_shaped(text)


@given(st.text(alphabet="abcdef0123456789:-/.AEGIQVghklnpstuvw_", max_size=90))
def test_token_shaped_is_the_expression(text: str) -> None:
    assert token_shaped(text) == (TOKEN_SHAPE.search(text) is not None)


@given(st.lists(st.text(alphabet="  #-\"'=:abcdefAPIKEYTOKENsecretk_", max_size=40), max_size=4))
def test_a_text_without_a_secrets_word_has_no_ascii_line_assigning_one(lines: list[str]) -> None:
    text = "\n".join(lines)
    if not secret_words_in(text):
        assert not any(assigned_secret(line) for line in lines if line.isascii())
