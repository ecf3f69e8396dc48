"""Plain data as MessagePack (``msgspec``): how values leave one process and come back in another.

The cache's files (``state.cache``) and the results of forked workers (``parallel``) are encoded
here and decoded into a declared type. MessagePack carries only plain values (maps, arrays,
strings, numbers): nothing in the bytes can name a class or a function to run, and bytes of
another shape fail to decode, whatever wrote them.

A value comes back as it went in only where its type says what each part is. A free-form value
(``Mapping[str, Any]``: options, extras) comes back as maps, lists, strings and numbers, so a
tuple or a date in it would return changed: ``plain`` tells which values are safe. An aware
time comes back in UTC (the cache sends the zone's name beside it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

R = TypeVar("R")

#: what decoding bytes that are damaged or of another shape raises
DECODE_ERRORS = (msgspec.DecodeError, ValueError, TypeError)
#: what encoding a value MessagePack cannot hold raises
ENCODE_ERRORS = (TypeError, ValueError, OverflowError, msgspec.EncodeError)


def _enc_hook(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(type(value))


def _dec_hook(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(kind)


ENCODER = msgspec.msgpack.Encoder(enc_hook=_enc_hook)


def decoder(kind: Any) -> msgspec.msgpack.Decoder[Any]:
    """A decoder of ``kind`` (paths included), refusing anything of another shape."""
    return msgspec.msgpack.Decoder(kind, dec_hook=_dec_hook)


def plain(value: object) -> bool:
    """Whether a free-form value (options, extras) comes back from MessagePack as it went in:
    a date or a tuple would come back as a string or a list."""
    if type(value) is dict:
        return all(type(k) is str and plain(v) for k, v in value.items())
    if type(value) is list:
        return all(plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


@dataclass(frozen=True)
class Codec(Generic[R]):
    """How values of one type cross to another process: ``encode`` gives the bytes, or None
    where they would not bring back the same value (the receiver then works it out itself);
    ``decode`` brings the value back, or raises one of ``DECODE_ERRORS``."""

    encode: Callable[[R], bytes | None]
    decode: Callable[[bytes], R]


def packed(value: object) -> bytes | None:
    """``value`` as MessagePack; None if it holds what MessagePack cannot."""
    try:
        return ENCODER.encode(value)
    except ENCODE_ERRORS:
        return None


def typed(kind: type[R], faithful: Callable[[R], bool] | None = None) -> Codec[R]:
    """The codec of values of ``kind``. ``faithful`` tells whether a value comes back as it is,
    for a type with free-form parts (see ``plain``): a value that is not is neither sent nor
    taken in."""
    read = decoder(kind).decode

    def encode(value: R) -> bytes | None:
        return packed(value) if faithful is None or faithful(value) else None

    def decode(data: bytes) -> R:
        value: R = read(data)
        if faithful is not None and not faithful(value):
            raise ValueError("not a value of the declared kind")
        return value

    return Codec(encode, decode)
