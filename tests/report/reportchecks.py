"""Checks shared by the reporter tests: the official SARIF schema, and static checks on an
HTML page (nothing in it may point outside the page)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from jsonschema.validators import validator_for

from piiscan import report

REPORT_DIR = Path(report.__file__).parent


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_data(self, data: str) -> None:
        if self._in == "script" and self.tags[-1][1].get("type") is None:
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None


URL_ATTRS = {"src", "href", "action", "formaction", "srcset", "poster", "data", "background",
             "xlink:href", "ping", "manifest", "codebase", "cite", "longdesc"}


def assert_self_contained(page: str) -> Tags:
    """No element may point anywhere but inside the page."""
    parser = Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert tag not in {"link", "iframe", "object", "embed", "img", "base", "frame",
                           "audio", "video", "source", "track", "meta"} or (
            tag == "meta" and (attrs.get("http-equiv") or "").lower() != "refresh"), tag
        for name, value in attrs.items():
            if name in URL_ATTRS:
                assert (value or "").startswith("#"), f"<{tag} {name}={value}>"
            assert not name.startswith("on"), f"inline handler {name} on <{tag}>"
    for css in parser.styles:
        assert "url(" not in css and "@import" not in css
    for js in parser.scripts:
        assert not re.search(r"fetch\(|XMLHttpRequest|import\(|\.src\s*=|WebSocket|"
                             r"sendBeacon|innerHTML|outerHTML|insertAdjacentHTML|eval\(",
                             js)
    return parser


def sarif_validator() -> Any:
    official = json.loads((REPORT_DIR / "sarif-2.1.0.schema.json").read_text("utf-8"))
    cls = validator_for(official)
    return cls(official, format_checker=cls.FORMAT_CHECKER)
