"""Decode the text files people send: UTF-8 (with or without BOM), else GBK/GB18030 (SPEC §4.1)."""

from __future__ import annotations

# Only the encodings we support are candidates: unrestricted detection takes a short GBK file for
# cp949 or big5. GB18030 is a superset of GBK and GB2312: decoding with it is never worse.
CHINESE_ENCODINGS = ["gb18030", "gbk", "gb2312"]


def decode_text(raw: bytes) -> tuple[str, str] | None:
    """(text, encoding name): strict UTF-8 first (a BOM is dropped), then GB18030 as detected; None if neither."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    if from_bytes(raw, cp_isolation=CHINESE_ENCODINGS).best() is None:
        return None
    try:
        return raw.decode("gb18030").removeprefix("\ufeff"), "gb18030"
    except UnicodeDecodeError:
        return None
