"""Headless Chromium opens the views with the network off: the graph renders, nothing is fetched,
the console stays clean, and hostile data stays text.

The network is off three ways: every host resolves to nothing, every request goes to a dead proxy,
and the pages' own Content-Security-Policy forbids requests. Requests the page makes are read
from Chromium's net log; a canary page checks that this detection works.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from itertools import count
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install "
                                                "chromium; .ci/run installs it): the offline browser test "
                                                "cannot run"),
]
HOSTILE = Path(__file__).parent / "data" / "valid" / "hostile-label.ttl"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--hide-scrollbars",
         "--window-size=1400,900", "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0"]
BAD_CONSOLE = re.compile(r"Uncaught|Content Security Policy|Refused to|is not defined|Error:", re.IGNORECASE)
_runs = count()
runner = CliRunner()


@dataclass
class Visit:
    dom: str
    console: list[str]
    requests: list[str]
    png: bytes


def _page_requests(netlog: Path) -> list[str]:
    """http(s) URLs the page asked for (Chromium's own service calls carry no origin)."""
    text = netlog.read_text(encoding="utf-8", errors="replace").rstrip().rstrip(",")
    log = json.loads(text if text.endswith("}") else text + "]}")
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [ev["params"]["url"] for ev in log["events"] if ev["type"] == start_job
            and str(ev["params"].get("url", "")).startswith(("http:", "https:"))
            and ev["params"].get("initiator") != "not an origin"]


def visit(page: Path, tmp: Path, *, screenshot: bool = False) -> Visit:
    """Open `page` in a fresh headless Chromium; dump the DOM after layout, or take a screenshot."""
    run = next(_runs)
    netlog, png = tmp / f"net-{run}.json", tmp / f"shot-{run}.png"
    action = f"--screenshot={png}" if screenshot else "--dump-dom"
    proc = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp / f'profile-{run}'}",  # type: ignore[list-item]
                           f"--log-net-log={netlog}", action, page.as_uri()],
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
    return Visit(proc.stdout, console, _page_requests(netlog), png.read_bytes() if screenshot else b"")


def png_rgb(data: bytes) -> tuple[int, int, int, list[bytearray]]:
    """Width, height, bytes per pixel and unfiltered rows of an 8-bit, non-interlaced RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, bytearray(), (0, 0, 0, 0, 0, 0, 0)
    while pos < len(data):
        size, kind = int.from_bytes(data[pos:pos + 4], "big"), data[pos + 4:pos + 8]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", data[pos + 8:pos + 21])
        elif kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + size]
        pos += 12 + size
    width, height, depth, ctype, _, _, interlace = head
    assert depth == 8 and interlace == 0 and ctype in (2, 6), head
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(bytes(idat)), width * bpp
    prev, rows = bytearray(stride), []
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind == 2:
            line = bytearray((x + p) & 255 for x, p in zip(line, prev, strict=True))
        elif kind:
            _unfilter(line, prev, kind, bpp)
        rows.append(line)
        prev = line
    return width, height, bpp, rows


def _unfilter(line: bytearray, prev: bytearray, kind: int, bpp: int) -> None:
    """Undo PNG filter 1 (Sub), 3 (Average) or 4 (Paeth) in place."""
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + prev[i]) // 2) & 255
        else:
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255


def pixels(png: bytes, box: tuple[float, float, float, float]) -> list[tuple[int, int, int]]:
    """RGB pixels inside a box given as fractions (left, top, right, bottom) of the image."""
    width, height, bpp, rows = png_rgb(png)
    x0, y0, x1, y1 = int(box[0] * width), int(box[1] * height), int(box[2] * width), int(box[3] * height)
    return [(r[x * bpp], r[x * bpp + 1], r[x * bpp + 2]) for r in rows[y0:y1] for x in range(x0, x1)]


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def write_view(tmp: Path, *args: str) -> tuple[Path, dict]:
    out = tmp / "view.html"
    result = runner.invoke(app, ["view", *args, "--out", str(out), "--as-of", "2026-01-15"])
    assert result.exit_code == 0, (result.output, result.exception)
    html = out.read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert data
    return out, json.loads(data.group(1))


def rendered_counts(dom: str) -> tuple[int, int]:
    body = re.search(r"<body([^>]*)>", dom)
    assert body and 'data-kg-rendered="1"' in body.group(1), f"the network never drew: {body}"
    nodes = re.search(r'data-kg-nodes="(\d+)"', body.group(1))
    edges = re.search(r'data-kg-edges="(\d+)"', body.group(1))
    assert nodes and edges
    return int(nodes.group(1)), int(edges.group(1))


def assert_clean(v: Visit) -> None:
    assert not v.requests, f"the page asked the network for: {v.requests}"
    bad = [line for line in v.console if BAD_CONSOLE.search(line)]
    assert not bad, bad


def test_detection_catches_requests_and_errors(tmp_path: Path) -> None:
    page = tmp_path / "canary.html"
    page.write_text('<html><body><img src="http://canary.example/x.png"><script>nope();</script></body></html>')
    v = visit(page, tmp_path)
    assert any("canary.example" in url for url in v.requests), v.requests
    assert any("Uncaught" in line for line in v.console), v.console


def test_neighbourhood_renders_offline(tmp_path: Path) -> None:
    page, data = write_view(tmp_path, "gallium")
    v = visit(page, tmp_path)
    assert_clean(v)
    assert rendered_counts(v.dom) == (len(data["nodes"]), len(data["edges"]))
    shot = visit(page, tmp_path, screenshot=True)
    assert_clean(shot)
    graph = pixels(shot.png, (0.02, 0.12, 0.72, 0.98))  # the canvas, left of the side panel
    material = hex_rgb("#8d6e63")  # gallium's hexagon
    assert sum(p == material for p in graph) > 100, "gallium's hexagon is not on the canvas"
    inked = sum(p != (255, 255, 255) for p in graph)
    assert inked > 0.01 * len(graph), f"only {inked} of {len(graph)} pixels drawn"


@pytest.mark.parametrize("args", [["--impact", "gallium"], ["--exposure", "AESA radar"],
                                  ["--path", "gallium", "AESA radar"], ["--all"]],
                         ids=["impact", "exposure", "path", "all"])
def test_every_view_kind_renders_offline(tmp_path: Path, args: list[str]) -> None:
    page, data = write_view(tmp_path, *args)
    v = visit(page, tmp_path)
    assert_clean(v)
    assert rendered_counts(v.dom) == (len(data["nodes"]), len(data["edges"]))


def test_hostile_label_stays_text_in_the_browser(tmp_path: Path) -> None:
    page, data = write_view(tmp_path, "gallium", "--depth", "1", "--data", str(HOSTILE))
    v = visit(page, tmp_path)
    assert_clean(v)
    assert rendered_counts(v.dom)[0] == len(data["nodes"])
    tags = _Tags()
    tags.feed(v.dom)
    assert "img" not in tags.names and not tags.handlers, (tags.names, tags.handlers)
    assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in v.dom  # the search list holds it as text


class _Tags(HTMLParser):
    """Element names and event-handler attributes of a DOM dump."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.names.add(tag)
        self.handlers += [f"{tag} {k}" for k, _ in attrs if k.startswith("on")]


def test_timeline_renders_offline(tmp_path: Path) -> None:
    page = tmp_path / "timeline.html"
    result = runner.invoke(app, ["timeline", "--html", str(page)])
    assert result.exit_code == 0, result.output
    v = visit(page, tmp_path, screenshot=True)
    assert_clean(v)
    in_force = hex_rgb("#1d4ed8")
    assert sum(p == in_force for p in pixels(v.png, (0.2, 0.1, 0.85, 1.0))) > 500, "no in-force bars drawn"
