"""The HTML report in a real browser: Debian's chromium, headless, one run.

Chromium is started with a proxy that is a local trap: any request the page makes for
anything (an image, a script, a font, a fetch) would arrive there. Chromium's own
background calls to Google services are told apart by host and ignored. The same run dumps
the DOM after the script ran (the file table is built by JavaScript) and takes a
screenshot. A missing chromium fails the test: `make test` installs it (tools/sysdeps.sh).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import struct
import subprocess
import threading
from pathlib import Path

import pytest
from reportchecks import assert_self_contained
from reportsample import EVIL_NAME, build_sample

from piiscan import report

# Chromium's own services (time, component updates, sign-in), not the page.
BROWSER_HOSTS = re.compile(r"(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com|"
                           r"gvt2\.com|googleusercontent\.com)$")


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("chromium is not installed: `make test` installs it (tools/sysdeps.sh), or "
                "apt-get install chromium")


class Trap:
    """A TCP listener that records the first bytes of every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.requests: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(512).decode("latin-1"))
                except OSError:
                    self.requests.append("?")

    def close(self) -> None:
        self.server.close()

    def page_requests(self) -> list[str]:
        out = []
        for request in self.requests:
            first = request.split("\r\n", 1)[0]
            match = re.match(r"(?:CONNECT (?P<h1>[^:/ ]+)|\w+ https?://(?P<h2>[^:/ ]+))", first)
            host = (match.group("h1") or match.group("h2")) if match else ""
            if not BROWSER_HOSTS.search(host):
                out.append(first)
        return out


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    chromium = find_chromium()
    result = build_sample()
    page = tmp_path / "report.html"
    page.write_bytes(report.get("html")(result))
    shot = tmp_path / "report.png"
    trap = Trap()
    try:
        proc = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--disable-default-apps", f"--user-data-dir={tmp_path / 'p'}",
             f"--proxy-server=http://127.0.0.1:{trap.port}", "--proxy-bypass-list=<-loopback>",
             "--window-size=1280,1600", f"--screenshot={shot}", "--dump-dom",
             page.as_uri()],
            capture_output=True, timeout=90, check=False)
    finally:
        trap.close()
    dom = proc.stdout.decode("utf-8")
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]

    # The script ran: the sortable table has one row per listed file, riskiest first.
    rows = re.findall(r'<tr data-path="([^"]*)"', dom)
    listed = [fr for fr in sorted(result.files, key=lambda fr: (-fr.risk_score,
                                                                  fr.file.display))
              if fr.risk_level != "none" or fr.skips]
    assert len(rows) == len(listed) and rows[0] == "share/人事/社員名簿.xlsx"
    assert 'data-ready="1"' in dom
    assert f"{len(listed)} 件中 {len(listed)} 件を表示" in dom
    assert 'aria-sort="descending"' in dom
    # A file name with markup is text in the page, not markup; nothing points outside.
    assert EVIL_NAME not in dom and "&lt;script&gt;alert(1)&lt;script&gt;" in dom
    assert_self_contained(dom)
    assert trap.page_requests() == []

    width, height = png_size(shot)
    assert (width, height) == (1280, 1600)
    from PIL import Image

    with Image.open(shot) as image:
        colors = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colors is not None and len(colors) > 50, "the screenshot looks blank"
    # Keep the picture for people to look at (CI artefact, or the final check by eye).
    keep = os.environ.get("PIISCAN_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / "report-sample.png")
