"""A csv's encoding comes from a whole-file rule: a BOM, else strict UTF-8, else GB18030 only
when the whole file is plainly Chinese text in it; otherwise a refusal that says where the bad
bytes are — never a file imported with its names garbled (issue 16, item 7)."""

from __future__ import annotations

import codecs

import pytest
from django.utils import translation

from salespath.imports.encodings import Undecodable, decode_csv
from salespath.imports.errors import UnreadableFile
from salespath.imports.readers import read_file

HEADER = "客户名称,客户经理,备注\r\n"
ROWS = "华南广州制造集团,li,老客户\r\n深圳湾科技有限公司,wang,\r\n"
TEXT = HEADER + ROWS


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
    ],
)
def test_each_encoding_the_rule_accepts_reads_the_same_text(data, encoding):
    assert decode_csv(data) == (TEXT, encoding)


def test_excels_unicode_text_is_utf16_with_tabs_and_is_read(tmp_path):
    path = tmp_path / "客户.txt.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + TEXT.replace(",", "\t").encode("utf-16-le"))
    [sheet] = read_file(path)
    assert [c.label for c in sheet.columns] == ["客户名称", "客户经理", "备注"]
    assert sheet.rows[0] == (2, ["华南广州制造集团", "li", "老客户"])


def test_utf8_with_one_latin1_byte_is_refused_naming_row_and_offset_not_garbled(tmp_path):
    data = (HEADER + "华南广州,li,\r\n").encode("utf-8") + "Müller,li,\r\n".encode("latin-1")
    # GB18030 "decodes" it, garbling every Chinese name: exactly what must not happen
    assert "鍗庡崡骞垮窞" in data.decode("gb18030")
    path = tmp_path / "customers.csv"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile) as refused, translation.override("en"):
        read_file(path)
    offset = data.index(b"\xfc")
    assert f"offset {offset} (row 3)" in refused.value.message
    with pytest.raises(UnreadableFile) as chinese, translation.override("zh-hans"):
        read_file(path)
    assert str(offset) in chinese.value.message and "第 3 行" in chinese.value.message


def test_a_latin1_file_is_not_taken_for_gb18030():
    with pytest.raises(Undecodable) as refused:
        decode_csv("name\nCafé Müller\n".encode("latin-1"))
    assert (refused.value.offset, refused.value.line) == (8, 2)


def test_a_bom_decides_and_bad_bytes_after_it_are_refused():
    with pytest.raises(Undecodable) as refused:
        decode_csv(codecs.BOM_UTF8 + b"a\nb\xff\n")
    assert (refused.value.offset, refused.value.line) == (6, 2)
    with pytest.raises(Undecodable):
        decode_csv(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le") + b"\x00")  # odd length


def test_a_gbk_file_with_a_few_rarer_characters_is_still_gbk():
    text = "姓名\n朱镕基\n" + "张伟\n李娜\n王芳\n刘洋\n陈静\n" * 3
    assert decode_csv(text.encode("gbk")) == (text, "gb18030")
