from __future__ import annotations

from pathlib import Path

from piiscan.extract import ExtractContext
from piiscan.extract.html import html_segments
from piiscan.models import Location, Segment

import fixtures_containers as fx


def _html(tmp_path: Path, body: str, name: str = "page.html") -> list[Segment]:
    path = tmp_path / name
    path.write_text(body, "utf-8")
    return fx.segments_of(fx.extract_file(path))


def _one(segments: list[Segment], text: str) -> Segment:
    found = [s for s in segments if s.text == text]
    assert len(found) == 1, (text, [s.text for s in segments])
    return found[0]


def test_visible_text_only(tmp_path: Path) -> None:
    ctx = ExtractContext()
    texts = fx.texts_of(fx.extract_file(fx.make_html(tmp_path), ctx=ctx))
    assert ctx.encodings == ["cp932"]
    assert f"担当者：{fx.NAME}" in texts  # inline <b> does not split a word
    assert not any("スクリプト" in t or "color" in t or "JavaScript" in t for t in texts)


def test_table_headers_become_cell_context(tmp_path: Path) -> None:
    segments = fx.segments_of(fx.extract_file(fx.make_html(tmp_path)))
    phone = _one(segments, fx.PHONE)
    assert phone.header == "電話番号"
    assert phone.location.line == 10
    assert phone.record == "table 1 row 2"
    assert _one(segments, fx.NAME_2).header == "氏名"
    assert _one(segments, fx.NAME).record == phone.record


def test_data_attributes_are_scanned(tmp_path: Path) -> None:
    segments = fx.segments_of(fx.extract_file(fx.make_html(tmp_path)))
    value = _one(segments, fx.EMAIL)
    assert value.location.part == "input/@value"
    assert value.header == "email"  # the input's name
    number = _one(segments, fx.MY_NUMBER)
    assert number.location.part == "div/@data-mynumber"
    assert number.header == "mynumber"
    assert _one(segments, f"{fx.NAME}の写真").location.part == "img/@alt"


def test_block_boundaries_keep_cells_apart(tmp_path: Path) -> None:
    body = f"<table><tr><td>{fx.NAME}</td><td>{fx.PHONE}</td></tr></table><p>a</p><p>b</p>"
    texts = [s.text for s in _html(tmp_path, body)]
    assert texts == [fx.NAME, fx.PHONE, "a", "b"]


def test_row_header_tables_and_definition_lists(tmp_path: Path) -> None:
    body = f"""<table><tr><th>氏名</th><td>{fx.NAME}</td></tr>
    <tr><th>住所</th><td>{fx.ADDRESS}</td></tr></table>
    <dl><dt>メール</dt><dd>{fx.EMAIL}</dd></dl>"""
    segments = _html(tmp_path, body)
    assert _one(segments, fx.NAME).header == "氏名"
    assert _one(segments, fx.ADDRESS).header == "住所"
    assert _one(segments, fx.EMAIL).header == "メール"


def test_colspan_moves_later_cells(tmp_path: Path) -> None:
    body = f"""<table><tr><th>姓名</th><th>-</th><th>電話</th></tr>
    <tr><td colspan="2">{fx.NAME}</td><td>{fx.PHONE}</td></tr></table>"""
    assert _one(_html(tmp_path, body), fx.PHONE).header == "電話"


def test_comments_links_and_json_scripts_hold_data(tmp_path: Path) -> None:
    body = f"""<p>x</p><!-- 旧担当 {fx.PHONE} -->
    <a href="mailto:{fx.EMAIL}">連絡</a><a href="/about">about</a>
    <script type="application/ld+json">{{"name": "{fx.NAME}"}}</script>
    <script>var n = "{fx.NAME_2}";</script>"""
    segments = _html(tmp_path, body)
    assert _one(segments, f"旧担当 {fx.PHONE}").location.part == "comment"
    assert _one(segments, f"mailto:{fx.EMAIL}").location.part == "a/@href"
    assert _one(segments, f'{{"name": "{fx.NAME}"}}').location.part == "script"
    assert not any("/about" in s.text or fx.NAME_2 in s.text for s in segments)


def test_unclosed_noscript_does_not_hide_the_rest(tmp_path: Path) -> None:
    body = f"<body><noscript><p>JS</p></body><p>{fx.PHONE}</p>"
    assert fx.PHONE in [s.text for s in _html(tmp_path, body)]


def test_entities_are_decoded(tmp_path: Path) -> None:
    body = "<p>&#23665;&#30000;&amp;&#x592A;&#x90CE;</p>"
    assert [s.text for s in _html(tmp_path, body)] == ["山田&太郎"]


def test_html_segments_in_memory_keep_part_prefix() -> None:
    location = Location("mail.eml")
    html = f'<p>{fx.NAME}</p><img alt="{fx.PHONE}">'
    segments = list(html_segments(html, location, ExtractContext(), part="body (html)"))
    assert [(s.text, s.location.part) for s in segments] == [
        (fx.NAME, "body (html)"),
        (fx.PHONE, "body (html):img/@alt"),
    ]


def test_xml_elements_give_path_and_header(tmp_path: Path) -> None:
    ctx = ExtractContext()
    items = fx.extract_file(fx.make_xml(tmp_path), ctx=ctx)
    segments = fx.segments_of(items)
    assert ctx.encodings == ["cp932"]  # declared Shift_JIS, read by the sniffer
    tel = _one(segments, fx.PHONE_2)
    assert tel.location.part == "/customers/customer[2]/tel[1]"
    assert tel.header == "tel"
    assert tel.record == "/customers/customer[2]"
    assert _one(segments, fx.NAME_2).record == tel.record
    assert _one(segments, "c1").location.part == "/customers/customer[1]/@id"
    assert _one(segments, "備考あり").location.part == "/customers/customer[2]"
    assert not fx.notes_of(items)


def test_xml_entity_expansion_is_refused(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    text = f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY l0 "lol">{lol}]>\n<r>&l9;{fx.PHONE}</r>'
    path = tmp_path / "bomb.xml"
    path.write_text(text, "utf-8")
    items = fx.extract_file(path)
    assert any("not well-formed or unsafe XML" in note for note in fx.notes_of(items))
    texts = fx.texts_of(items)
    assert any(fx.PHONE in t for t in texts)
    assert sum(len(t) for t in texts) < 1000  # nothing was expanded


def test_xml_external_entity_is_not_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-CONTENT", "utf-8")
    text = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]><r>&x;</r>'
    path = tmp_path / "xxe.xml"
    path.write_text(text, "utf-8")
    assert not any("SECRET-CONTENT" in t for t in fx.texts_of(fx.extract_file(path)))


def test_broken_xml_continues_as_html_from_the_failing_line(tmp_path: Path) -> None:
    text = f"<r>\n<a>{fx.NAME}</a>\n<b>{fx.PHONE}</b>\n<c>oops</d>\n<e>{fx.EMAIL}</e>\n</r>\n"
    path = tmp_path / "broken.xml"
    path.write_text(text, "utf-8")
    items = fx.extract_file(path)
    assert any("scanned as HTML from line 4" in note for note in fx.notes_of(items))
    texts = fx.texts_of(items)
    assert texts.count(fx.NAME) == 1  # read once, by the XML parser
    assert any(fx.EMAIL in t for t in texts)


def test_html_named_xml_goes_to_the_html_parser(tmp_path: Path) -> None:
    segments = _html(tmp_path, f"<!DOCTYPE html><html><p>{fx.PHONE}</p></html>", "page.xml")
    assert _one(segments, fx.PHONE).location.line == 1


def test_a_template_that_is_mostly_html_is_read_as_html(tmp_path: Path) -> None:
    """A Blade or PHP page with a table: its <th> headers head the cells, as in any page."""
    rows = "".join(f"<tr><td>{n}</td><td>1980/10/{i}</td></tr>\n"
                   for i, n in enumerate(["山田花子", "田中 太郎", "鈴木 一郎"], start=1))
    page = ("@extends('layouts.app')\n@section('content')\n<div class=\"row\">\n<table>\n"
            f"<tr><th>利用者</th><th>生年月日</th></tr>\n{rows}</table>\n</div>\n@endsection\n")
    found = _one(_html(tmp_path, page, "top.blade.php"), "1980/10/1")
    assert found.header == "生年月日"


def test_a_php_class_stays_code(tmp_path: Path) -> None:
    from piiscan.extract import Blob
    from piiscan.extract.sniff import detect_kind

    path = tmp_path / "User.php"
    path.write_text("<?php\nclass User {\n  public $name = '山田';\n  function a() {\n"
                    "    echo '<b>hi</b>';\n  }\n}\n", "utf-8")
    assert detect_kind(Blob(path.name, Location(path.name), path=str(path))) == "structured"
