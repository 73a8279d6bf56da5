"""How much a PDF's streams inflate, measured before a PDF parser sees the file.

pdfium and pdfminer.six inflate a stream whole, without a limit: a 3 MB PDF holding one
Flate content stream of spaces took 4.2 GB of memory. So every stream is first inflated
here, in pieces that are counted and thrown away, and the file is refused when one stream
would inflate past the budget's piece size or all of them past what is left of the file's
budget (``extract.Budget``). Memory stays at a few megabytes whatever the file claims.

- Streams are found in the raw bytes (``... >> stream``), not through a parser, so nothing
  is resolved or inflated before it is measured. The filters are read from the stream's
  dictionary (name escapes decoded, chains followed: ``[/FlateDecode /FlateDecode]``).
- Data that looks deflated is inflated whatever the dictionary says: a filter given by an
  indirect reference, or a dictionary this reader misreads, must not hide a bomb.
- Image codecs (DCT, JPX, JBIG2, CCITT) are not run: text extraction does not decode images.
  Their encoded size is what is counted.
- An encrypted PDF that opens without a password is measured a second time with each stream
  decrypted (pdfminer.six's security handler), since encrypted bytes do not inflate.
"""

from __future__ import annotations

import base64
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from piiscan.extract import BOMB, size_text

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext

Decipher = Callable[[int, int, bytes], bytes]

_PIECE = 1 << 20  # inflate in pieces of this size at most
_READ = 1 << 16
_LOOK_BACK = 1 << 16  # how far before 'stream' its dictionary may start
_MAX_SNIFFED_LAYERS = 8
_STREAM = re.compile(rb">>\s*stream[ \t]*(?:\r\n|\n|\r)")
_OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_OBJECT_END = re.compile(rb"(?<!\d)\d+\s+\d+\s+obj\Z")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>(){}%]+|\d+\s+\d+\s+R)")
_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_XREF = re.compile(rb"/Type\s*/XRef\b")
_ENCRYPT = re.compile(rb"/Encrypt\b")


class StreamBomb(Exception):
    """A stream, or all of them, would inflate past the budget; the message says which."""

    def __init__(self, piece: bool, limit: int) -> None:
        self.piece = piece
        self.limit = limit
        subject = "a stream decompresses" if piece else "decompresses"
        super().__init__(f"{subject} to more than {size_text(limit)} — {BOMB}")


def check(blob: Blob, ctx: ExtractContext) -> str | None:
    """Measure ``blob``'s streams against the file's budget: the reason to skip it, or None
    (and the measured size is charged to the budget)."""
    budget = ctx.budget
    try:
        with blob.buffer() as data:
            size = measure(data, piece=budget.piece, total=budget.left,
                           decipher=_decipher(data) if _ENCRYPT.search(data) else None)
    except StreamBomb as bomb:
        if bomb.piece:
            return str(bomb)
        return budget.refusal(budget.left + 1) or str(bomb)
    budget.charge(size)
    return None


def measure(data: Any, piece: int, total: int, decipher: Decipher | None = None) -> int:
    """Bytes the streams of ``data`` inflate to; raises StreamBomb at ``piece`` bytes for one
    stream or ``total`` for all. With ``decipher`` each stream is decrypted first."""
    used = 0
    position = 0
    while True:
        found = _STREAM.search(data, position)
        if found is None:
            return used
        start = found.end()
        header = _dictionary(data, found.start())
        end = _stream_end(data, start, header)
        chunks = _chunks(data, start, end)
        if decipher is not None and not _XREF.search(header):
            chunks = iter([_decrypt(decipher, header, data[start:end])])
        size = 0
        for chunk in _decoded(chunks, _filters(header)):
            size += len(chunk)
            if size > piece:
                raise StreamBomb(True, piece)
            if used + size > total:
                raise StreamBomb(False, total)
        used += size
        position = max(end, start)


def _dictionary(data: Any, stream_at: int) -> bytes:
    """The text of the object holding the stream: from its ``N G obj`` to ``stream``. The
    header is looked for backwards from the last ``obj`` (a regular expression run over
    the whole look-back window would cost more than inflating the stream)."""
    window = bytes(data[max(0, stream_at - _LOOK_BACK):stream_at + 2])
    at = len(window)
    while (at := window.rfind(b"obj", 0, at)) != -1:
        header = _OBJECT_END.search(window, max(0, at - 48), at + 3)
        if header is not None:
            return window[header.start():]
    return window


def _stream_end(data: Any, start: int, header: bytes) -> int:
    """Where the stream's data ends: its direct /Length when an ``endstream`` follows it,
    else the next ``endstream``."""
    length = _LENGTH.search(header)
    if length is not None:
        end = start + int(length.group(1))
        if b"endstream" in bytes(data[end:end + 32]):
            return end
    found: int = data.find(b"endstream", start)
    if found == -1:
        return len(data)
    eol = bytes(data[max(start, found - 2):found])  # the end-of-line before endstream is not data
    return found - (2 if eol == b"\r\n" else 1 if eol[-1:] in (b"\n", b"\r") else 0)


def _filters(header: bytes) -> list[bytes] | None:
    """Filter names in decoding order; None when they cannot be read from the dictionary
    (an indirect reference)."""
    entry = _FILTER.search(header)
    if entry is None:
        return []
    if entry.group(1).endswith(b"R"):
        return None
    return [_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
            for name in _NAME.findall(entry.group(1))]


def _chunks(data: Any, start: int, end: int) -> Iterator[bytes]:
    """The stream's bytes in pieces (slices of bytes or of an mmap are copies: no view of
    the file outlives the measurement)."""
    for offset in range(start, end, _READ):
        yield data[offset:min(offset + _READ, end)]


# --- decoders: each takes and yields chunks, never more than _PIECE at a time -------------


def _decoded(chunks: Iterator[bytes], filters: list[bytes] | None) -> Iterator[bytes]:
    if filters:
        for name in filters:
            stage = _STAGES.get(name)
            if stage is None:  # an image codec, or unknown: what it gets is what is counted
                return chunks
            chunks = stage(chunks)
        return chunks
    return _sniffed(chunks, 0)  # no filter (or an unreadable one): inflate if deflated


def _sniffed(chunks: Iterator[bytes], layers: int) -> Iterator[bytes]:
    first = next(chunks, b"")
    rest = _prepend(first, chunks)
    if layers < _MAX_SNIFFED_LAYERS and _looks_deflated(first):
        return _sniffed(_inflate(rest), layers + 1)
    return rest


def _prepend(first: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from chunks


def _looks_deflated(head: bytes) -> bool:
    """A zlib header: compression method 8 and the check bits right."""
    return len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0


def _inflate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for chunk in chunks:
            data = chunk
            while data:
                out = inflater.decompress(data, _PIECE)
                if out:
                    yield out
                data = inflater.unconsumed_tail
                if inflater.eof:
                    return
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error:
        return  # damaged data: a reader stops there too


def _lzw(chunks: Iterable[bytes]) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    yield from LZWDecoder(io.BufferedReader(_Reader(chunks))).run()


def _run_length(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """RunLengthDecode: a length byte n < 128 copies n + 1 bytes, n > 128 repeats the next
    byte 257 - n times, 128 ends the data."""
    pending = b""
    out = bytearray()
    for chunk in chunks:
        pending += chunk
        i = 0
        while i < len(pending):
            n = pending[i]
            if n == 128:
                yield bytes(out)
                return
            need = n + 2 if n < 128 else 2
            if i + need > len(pending):
                break
            out += pending[i + 1:i + need] if n < 128 else pending[i + 1:i + 2] * (257 - n)
            i += need
            if len(out) >= _PIECE:
                yield bytes(out)
                out.clear()
        pending = pending[i:]
    yield bytes(out)


def _ascii(decode: Callable[[bytes], bytes]) -> Callable[[Iterable[bytes]], Iterator[bytes]]:
    """ASCIIHex and ASCII85 only shrink their input (85's 'z' at most quadruples it): they
    are decoded whole."""
    def stage(chunks: Iterable[bytes]) -> Iterator[bytes]:
        data = b"".join(chunks)
        try:
            out = decode(data)
        except ValueError:
            return
        for offset in range(0, len(out), _PIECE):
            yield out[offset:offset + _PIECE]
    return stage


def _hex(data: bytes) -> bytes:
    digits = re.sub(rb"[^0-9A-Fa-f]", b"", data.split(b">", 1)[0])
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


def _a85(data: bytes) -> bytes:
    body = data.split(b"~>", 1)[0].strip().removeprefix(b"<~")
    return base64.a85decode(body, ignorechars=b" \t\n\r\x0c\x00")


_STAGES: dict[bytes, Callable[[Iterator[bytes]], Iterator[bytes]]] = {
    b"FlateDecode": _inflate, b"Fl": _inflate,
    b"LZWDecode": _lzw, b"LZW": _lzw,
    b"RunLengthDecode": _run_length, b"RL": _run_length,
    b"ASCIIHexDecode": _ascii(_hex), b"AHx": _ascii(_hex),
    b"ASCII85Decode": _ascii(_a85), b"A85": _ascii(_a85),
}


class _Reader(io.RawIOBase):
    """A raw file over chunks, for decoders that read a file."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        if not self._buffer:
            self._buffer = next(self._chunks, b"")
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


# --- encryption ------------------------------------------------------------------------


def _decipher(data: Any) -> Decipher | None:
    """pdfminer.six's decryption for a PDF that opens with the empty password, or None (a
    PDF that needs a password is refused by the readers anyway)."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        document = PDFDocument(PDFParser(io.BytesIO(bytes(data))), password="")
    except Exception:
        return None
    decrypt = document.decipher
    if decrypt is None:
        return None
    return lambda objid, genno, raw: decrypt(objid, genno, raw)


def _decrypt(decipher: Decipher, header: bytes, raw: bytes) -> bytes:
    number = _OBJECT.match(header)
    if number is None:
        return raw
    try:
        return decipher(int(number.group(1)), int(number.group(2)), raw)
    except Exception:
        return raw
