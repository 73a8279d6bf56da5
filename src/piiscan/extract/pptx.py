"""PowerPoint decks (.pptx): slides in show order, text frames, tables, speaker notes,
comments, SmartArt text, document properties and embedded files.

Slides are numbered as the audience sees them (presentation.xml order), not by file name.
Hidden slides are read and flagged: hiding a slide is not removing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, ParseError

from piiscan.extract.ooxml import Package, PackageError, embedded, local, metadata, open_package
from piiscan.models import Location, Note, Segment, Skip

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item


PRESENTATION = "ppt/presentation.xml"
# Placeholders that only repeat the slide number, date or slide picture.
_NOISE_PLACEHOLDERS = frozenset({"sldNum", "sldImg", "dt"})


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    try:
        with open_package(blob, ctx, "pptx") as pkg:
            yield from _read(pkg, ctx)
    except PackageError as exc:
        yield Skip(blob.display, exc.reason)


def _read(pkg: Package, ctx: ExtractContext) -> Iterator[Item]:
    loc = pkg.blob.location
    for number, path in enumerate(_slide_order(pkg), start=1):
        ctx.check_time()
        try:
            yield from _slide(pkg, path, replace(loc, slide=number))
        except ParseError as exc:
            # One damaged slide must not hide the rest of the deck.
            yield Skip(pkg.blob.display, f"slide {number} unreadable ({path}: {exc})")
    yield from _comment_authors(pkg, loc)
    yield from metadata(pkg, loc)
    yield from embedded(pkg, "ppt/embeddings/", ctx)


def _slide_order(pkg: Package) -> list[str]:
    """Slide parts in presentation order; slides missing from the list come last."""
    if not pkg.has(PRESENTATION):
        raise PackageError(f"not a PowerPoint deck: {PRESENTATION} is missing")
    targets = {rel.id: rel.target for rel in pkg.rels(PRESENTATION) if rel.type == "slide"}
    ordered: list[str] = []
    for node in pkg.xml(PRESENTATION).iter():
        if local(node.tag) == "sldId":
            # r:id (namespaced) names the relationship; the bare 'id' is a numeric slide id.
            rel_id = next((v for k, v in node.attrib.items() if k.endswith("}id")), "")
            target = targets.get(rel_id)
            if target and pkg.has(target) and target not in ordered:
                ordered.append(target)
    orphans = [t for t in targets.values() if t not in ordered and pkg.has(t)]
    return ordered + sorted(orphans, key=_part_number)


def _part_number(name: str) -> int:
    digits = "".join(ch for ch in name.rsplit("/", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 0


def _slide(pkg: Package, path: str, loc: Location) -> Iterator[Item]:
    root = pkg.xml(path)
    hidden = root.get("show") in ("0", "false")
    if hidden:
        yield Note(f"slide {loc.slide} is hidden")
    yield from _shapes(root, loc, hidden)
    for notes in pkg.related(path, "notesSlide"):
        yield from _shapes(pkg.xml(notes), replace(loc, part="notes"), hidden, tables=False)
    for part in pkg.related(path, "comments"):
        yield from _paragraph_blocks(pkg.xml(part), replace(loc, part="comment"), hidden)
    for part in pkg.related(path, "diagramData"):
        yield from _paragraph_blocks(pkg.xml(part), replace(loc, part="smartart"), hidden)


def _shapes(root: Element, loc: Location, hidden: bool, tables: bool = True) -> Iterator[Segment]:
    """One segment per text frame (its paragraphs joined by newlines), one per table cell."""
    table_count = 0
    for kind, elem in _walk(root):
        if kind == "text":
            text = _frame_text(elem)
            if text:
                yield Segment(text, loc, hidden=hidden)
        elif tables:
            table_count += 1
            yield from _table(elem, loc, table_count, hidden)


def _walk(elem: Element) -> Iterator[tuple[str, Element]]:
    """Text bodies and tables in document order, skipping noise and duplicate fallbacks."""
    for child in elem:
        tag = local(child.tag)
        if tag == "Fallback" or (tag == "sp" and _placeholder_type(child) in _NOISE_PLACEHOLDERS):
            continue
        if tag == "txBody":
            yield "text", child
        elif tag == "tbl":
            yield "table", child
        else:
            yield from _walk(child)


def _placeholder_type(sp: Element) -> str | None:
    for node in sp.iter():
        tag = local(node.tag)
        if tag == "ph":
            return node.get("type", "body")
        if tag == "txBody":
            break
    return None


def _frame_text(body: Element) -> str:
    lines = [_paragraph_text(p) for p in body if local(p.tag) == "p"]
    return "\n".join(lines).strip()


def _paragraph_text(p: Element) -> str:
    parts: list[str] = []
    for node in p.iter():
        tag = local(node.tag)
        if tag == "t":
            parts.append(node.text or "")
        elif tag == "br":
            parts.append("\n")
    return "".join(parts)


def _table(tbl: Element, loc: Location, t: int, hidden: bool) -> Iterator[Segment]:
    """Cells as T{t}R{r}C{c}; every grid column has an a:tc, merged ones included."""
    headers: dict[int, str] = {}
    rows = [row for row in tbl if local(row.tag) == "tr"]
    for r, row in enumerate(rows, start=1):
        cells = [cell for cell in row if local(cell.tag) == "tc"]
        for c, cell in enumerate(cells, start=1):
            text = "\n".join(_frame_text(body) for body in cell if local(body.tag) == "txBody")
            text = text.strip()
            if r == 1:
                headers[c] = text
            if not text:
                continue
            yield Segment(
                text,
                replace(loc, cell=f"T{t}R{r}C{c}"),
                header=(headers.get(c) or None) if r > 1 else None,
                hidden=hidden,
                record=f"S{loc.slide}T{t}R{r}",
            )


def _paragraph_blocks(root: Element, loc: Location, hidden: bool) -> Iterator[Segment]:
    """Comments and SmartArt, one segment per comment or diagram node.

    Modern comments hold a text body (``p188:txBody``), legacy ones a plain ``p:text``,
    SmartArt nodes a ``dgm:t`` text body inside each ``dgm:pt``.
    """
    for node in root.iter():
        tag = local(node.tag)
        if tag == "txBody":
            text = _frame_text(node)
        elif tag == "text":
            text = (node.text or "").strip()
        elif tag == "pt":
            text = "\n".join(_frame_text(b) for b in node if local(b.tag) == "t").strip()
        else:
            continue
        if text:
            yield Segment(text, loc, hidden=hidden)


def _comment_authors(pkg: Package, loc: Location) -> Iterator[Segment]:
    """Names of commenters (legacy commentAuthors.xml, modern authors.xml)."""
    names: set[str] = set()
    for part in ("ppt/commentAuthors.xml", "ppt/authors.xml"):
        if pkg.has(part):
            for node in pkg.xml(part).iter():
                name = node.get("name")
                if local(node.tag) in ("cmAuthor", "author") and name and name.strip():
                    names.add(name.strip())
    for name in sorted(names):
        yield Segment(name, replace(loc, part="metadata:comment author"))
