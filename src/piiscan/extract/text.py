"""Plain text in any Japanese encoding, read in bounded-memory chunks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from piiscan.extract.encoding import SAMPLE_BYTES, display_name, iter_chunks, sniff_encoding
from piiscan.models import Note, Skip, SkipKind

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item


def sniff_text(blob: Blob, ctx: ExtractContext) -> tuple[str, bytes] | Skip:
    """The encoding of a text file (recorded for the report) and its first 64 KB, or the
    skip that says it is binary: what every text-based extractor starts with."""
    from piiscan.extract import UNSUPPORTED

    head = blob.head(SAMPLE_BYTES)
    encoding = sniff_encoding(head, whole=blob.size <= SAMPLE_BYTES)
    if encoding is None:
        return Skip(blob.display, UNSUPPORTED["binary"], SkipKind.UNSUPPORTED)
    ctx.set_encoding(display_name(encoding))
    return encoding, head


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    sniffed = sniff_text(blob, ctx)
    if isinstance(sniffed, Skip):
        yield sniffed
        return
    encoding, _ = sniffed
    replaced = 0
    with blob.open() as stream:
        for segment in iter_chunks(stream, encoding, blob.location, ctx.chunk_chars):
            ctx.check_time()
            owned = segment.text[segment.scan_start : segment.scan_end]
            replaced += owned.count("\ufffd")
            yield segment
    if replaced:
        yield Note(f"{replaced} undecodable byte sequences replaced while reading as {encoding}")
