"""Plain text in any Japanese encoding, read in bounded-memory chunks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from piiscan.extract.encoding import SAMPLE_BYTES, display_name, iter_chunks, sniff_encoding
from piiscan.models import Note, Segment, Skip, SkipKind

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Segment | Skip | Note]:
    encoding = sniff_encoding(blob.head(SAMPLE_BYTES), whole=blob.size <= SAMPLE_BYTES)
    if encoding is None:
        yield Skip(blob.display, "binary file — no text to scan", SkipKind.UNSUPPORTED)
        return
    ctx.set_encoding(display_name(encoding))
    replaced = 0
    with blob.open() as stream:
        for segment in iter_chunks(stream, encoding, blob.location, ctx.chunk_chars):
            ctx.check_time()
            owned = segment.text[segment.scan_start : segment.scan_end]
            replaced += owned.count("\ufffd")
            yield segment
    if replaced:
        yield Note(f"{replaced} undecodable byte sequences replaced while reading as {encoding}")
