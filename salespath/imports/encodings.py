"""Which encoding a csv file is in, decided from the whole file — never a guess that garbles.

The rule, in order (docs/imports.md):

1. A byte-order mark decides: UTF-8 (EF BB BF), UTF-16 LE (FF FE: what Excel's "Unicode
   text" writes) or UTF-16 BE (FE FF). The rest of the file must then decode strictly.
2. Without one, the whole file must decode strictly as UTF-8 ("CSV UTF-8").
3. Otherwise GB18030 (a superset of GBK and GB2312, Chinese Excel's "CSV"), but only if the
   whole file decodes strictly AND looks like Chinese text in it: at least 90% of its
   non-ASCII characters are in GB2312, the common simplified characters. GB18030 gives some
   character for almost any bytes, so UTF-8 with one stray Latin-1 byte would "decode" too —
   as 鍗庡崡骞垮窞 for 华南广州, whose pairs fall mostly outside GB2312.
4. Otherwise the file is refused, naming the line and byte offset of the first bytes that
   are not UTF-8.

Pure Python, no Django: the reader turns `Undecodable` into a translated message.
"""

from __future__ import annotations

import codecs
import re

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
GB2312_SHARE = 0.9
_ASCII = re.compile(r"[\x00-\x7f]+")


class Undecodable(ValueError):
    """`offset`: the byte offset of the first bad bytes; `line`: the line they are on (1-based)."""

    def __init__(self, offset: int, line: int) -> None:
        super().__init__(f"undecodable bytes at offset {offset}, line {line}")
        self.offset = offset
        self.line = line


def decode_csv(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read in, or raise `Undecodable`."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(encoding), encoding
            except UnicodeDecodeError as error:
                before = body[: error.start].decode(encoding, errors="replace")
                raise Undecodable(len(bom) + error.start, before.count("\n") + 1) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        first_bad = error.start
    refusal = Undecodable(first_bad, data.count(b"\n", 0, first_bad) + 1)
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise refusal from None
    if not looks_like_gb2312_text(text):
        raise refusal
    return text, "gb18030"


def looks_like_gb2312_text(text: str) -> bool:
    wide = _ASCII.sub("", text)
    if not wide:
        return True
    in_gb2312 = len(wide.encode("gb2312", errors="ignore")) // 2  # two bytes each
    return in_gb2312 >= GB2312_SHARE * len(wide)
