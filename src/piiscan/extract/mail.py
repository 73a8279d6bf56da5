"""Mail: .eml (RFC 5322/MIME), .mbox and Outlook .msg.

Address and subject headers become segments (``part="header:From"``), text bodies are
decoded by their declared charset (the sniffer decides when it is missing or wrong), HTML
bodies go through the HTML extractor, and attachments and attached messages go back to
``ctx.nested`` so a location reads ``mail.eml!名簿.xlsx!Sheet1!B2``.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import io
import mimetypes
from collections.abc import Iterator
from dataclasses import replace
from email.message import Message
from typing import TYPE_CHECKING, Any

from piiscan.extract import describe_error, missing_extra
from piiscan.extract.encoding import decode_bytes, display_name, iter_chunks
from piiscan.extract.html import html_segments
from piiscan.extract.sniff import detect_kind
from piiscan.models import Location, Segment, Skip

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item


HEADERS = ("From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Subject")
# Labels Japanese mail software uses for CP932 text; CP932 is the superset they mean.
_CHARSET_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "iso-2022-jp": "iso2022_jp_ext",  # also reads half-width katakana, which mailers send
}
_ENCRYPTED_TYPES = frozenset(
    {"multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime"}
)
_ATTACHED_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
# Serialising an attached message again must not refold or re-encode its headers.
_REWRITE_POLICY = email.policy.default.clone(linesep="\n", max_line_length=0)


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    kind = detect_kind(blob)
    if kind == "msg":
        yield from _outlook(blob, ctx)
    elif kind == "mbox":
        yield from _mbox(blob, ctx)
    else:
        yield from message_items(blob.read(), blob, ctx)


# --- .eml ------------------------------------------------------------------------------


def message_items(data: bytes, blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    """Headers, bodies and attachments of one RFC 5322 message."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    yield from _headers(message, blob.location)
    yield from _Parts(blob, ctx).walk(message)


def _headers(message: Message, location: Location) -> Iterator[Segment]:
    wanted = {name.lower(): name for name in HEADERS}
    for name, raw in message.raw_items():
        label = wanted.get(name.lower())
        if label is None:
            continue
        text = header_text(label, raw).strip()
        if text:
            yield Segment(text, replace(location, part=f"header:{label}"), header=label)


def header_text(name: str, raw: str) -> str:
    """A header as people read it: RFC 2047 words decoded, raw 8-bit bytes sniffed."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        # Unencoded CP932/EUC-JP bytes straight in the header, as old mailers send them.
        decoded = decode_bytes(raw.encode("ascii", "surrogateescape"))
        return " ".join(decoded[0].split()) if decoded else raw
    try:
        return str(email.policy.default.header_fetch_parse(name, raw))
    except Exception:  # a malformed header is still text to scan
        try:
            return str(email.header.make_header(email.header.decode_header(raw)))
        except Exception:
            return raw


class _Parts:
    """Walks a MIME tree: bodies become segments, everything else a nested blob."""

    def __init__(self, blob: Blob, ctx: ExtractContext) -> None:
        self.blob = blob
        self.ctx = ctx
        self.count = 0  # leaf parts seen, for names of unnamed attachments
        self.bodies: dict[str, int] = {}

    def walk(self, part: Message) -> Iterator[Item]:
        self.ctx.check_time()
        ctype = part.get_content_type()
        if ctype in _ENCRYPTED_TYPES:
            yield Skip(self.blob.display, "encrypted mail (S/MIME or PGP) — body not scanned")
        elif ctype in _ATTACHED_MESSAGE_TYPES:
            yield from self._attached_message(part)
        elif part.is_multipart():
            children = part.get_payload()
            for child in children if isinstance(children, list) else []:
                if isinstance(child, Message):
                    yield from self.walk(child)
        else:
            self.count += 1
            if _is_body(part, ctype):
                yield from self._body(part, ctype)
            else:
                yield from self._attachment(part, ctype)

    def _attached_message(self, part: Message) -> Iterator[Item]:
        self.count += 1
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, Message):
            return
        name = part.get_filename() or f"attached message {self.count}.eml"
        if not name.lower().endswith((".eml", ".msg")):
            name += ".eml"
        try:
            data = inner.as_bytes(policy=_REWRITE_POLICY)
        except Exception as exc:  # a broken inner message is one skip
            yield Skip(f"{self.blob.display}!{name}", describe_error("attached message", exc))
            return
        yield from self.ctx.nested(self.blob.child(name, data))

    def _attachment(self, part: Message, ctype: str) -> Iterator[Item]:
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload:
            return
        name = part.get_filename() or _unnamed(self.count, ctype)
        yield from self.ctx.nested(self.blob.child(name, payload))

    def _body(self, part: Message, ctype: str) -> Iterator[Item]:
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes) or not payload.strip():
            return
        self.ctx.budget.charge(len(payload))  # decoded parts count like inflated ones
        text, encoding = decode_text(payload, part.get_content_charset())
        self.ctx.set_encoding(display_name(encoding))
        label = "body (html)" if ctype == "text/html" else "body"
        seen = self.bodies[label] = self.bodies.get(label, 0) + 1
        if seen > 1:
            label = f"{label} {seen}"
        location = replace(self.blob.location, part=label)
        if ctype == "text/html":
            yield from html_segments(text, self.blob.location, self.ctx, part=label)
            return
        stream = io.BytesIO(text.encode("utf-8"))
        yield from iter_chunks(stream, "utf-8", location, self.ctx.chunk_chars)


def _is_body(part: Message, ctype: str) -> bool:
    if ctype not in ("text/plain", "text/html", "text/enriched"):
        return False
    return part.get_filename() is None and part.get_content_disposition() != "attachment"


def _unnamed(number: int, ctype: str) -> str:
    extension = mimetypes.guess_extension(ctype) or ".bin"
    return f"part {number}{extension}"


def decode_text(payload: bytes, declared: str | None) -> tuple[str, str]:
    """Decode a body by its declared charset, or by sniffing if that is missing or wrong."""
    if declared:
        codec = _CHARSET_ALIASES.get(declared.lower(), declared)
        try:
            text = payload.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if not _mislabelled_utf8(payload, codec):
                return text, codec
    decoded = decode_bytes(payload)
    return decoded if decoded else (payload.decode("utf-8", errors="replace"), "utf-8")


def _mislabelled_utf8(payload: bytes, codec: str) -> bool:
    """Latin-1 style labels decode any bytes: catch UTF-8 sent under them."""
    if codec.lower().replace("_", "-") not in (
        "iso-8859-1",
        "latin-1",
        "us-ascii",
        "ascii",
        "windows-1252",
        "cp1252",
    ):
        return False
    if payload.isascii():
        return False
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- .mbox -----------------------------------------------------------------------------


def _mbox(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    for number, data in enumerate(split_mbox(blob), start=1):
        ctx.check_time()
        # Messages are located inside the mbox, but they are not a nesting level: their
        # attachments still get the full depth budget.
        message_blob = blob.child(f"message {number}", data)
        yield from message_items(data, message_blob, ctx)


def split_mbox(blob: Blob) -> Iterator[bytes]:
    """Messages of an mbox, streamed: a ``From `` line after a blank line starts one."""
    lines: list[bytes] = []
    previous_blank = True
    with blob.open() as stream:
        for line in stream:
            if line.startswith(b"From ") and previous_blank and lines:
                yield b"".join(lines)
                lines = []
            lines.append(line)
            previous_blank = not line.strip()
    if any(line.strip() for line in lines):
        yield b"".join(lines)


# --- Outlook .msg ----------------------------------------------------------------------


def _outlook(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    try:
        import extract_msg
    except ImportError:  # the msg extra: extract-msg and its dependencies
        yield missing_extra(blob, "Outlook .msg file", "msg")
        return

    try:
        message = extract_msg.openMsg(blob.read(), delayAttachments=True)
    except Exception as exc:  # the library raises many kinds
        yield Skip(blob.display, describe_error("msg", exc))
        return
    try:
        yield from _outlook_items(message, blob, ctx)
    finally:
        message.close()


_OUTLOOK_HEADERS = (("From", "sender"), ("To", "to"), ("Cc", "cc"), ("Bcc", "bcc"),
                    ("Subject", "subject"))  # fmt: skip


def _outlook_items(message: Any, blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    for label, attribute in _OUTLOOK_HEADERS:
        value = _property(message, attribute)
        if isinstance(value, str) and value.strip():
            location = replace(blob.location, part=f"header:{label}")
            yield Segment(value, location, header=label)
    body = _property(message, "body")
    html = None if isinstance(body, str) and body.strip() else _property(message, "htmlBody")
    # A .msg body may be compressed RTF (LZFu), inflated by the reader: it counts.
    ctx.budget.charge(len(body) if isinstance(body, str) else len(html or b""))
    if isinstance(body, str) and body.strip():
        stream = io.BytesIO(body.encode("utf-8"))
        location = replace(blob.location, part="body")
        yield from iter_chunks(stream, "utf-8", location, ctx.chunk_chars)
    else:
        if isinstance(html, bytes) and html.strip():
            text, _encoding = decode_text(html, None)
            yield from html_segments(text, blob.location, ctx, part="body (html)")
    for number, attachment in enumerate(_property(message, "attachments") or [], start=1):
        ctx.check_time()
        yield from _outlook_attachment(attachment, number, blob, ctx)


def _outlook_attachment(
    attachment: Any, number: int, blob: Blob, ctx: ExtractContext
) -> Iterator[Item]:
    name = str(_property(attachment, "name") or f"attachment {number}")
    data = _property(attachment, "data")
    if isinstance(data, bytes):
        yield from ctx.nested(blob.child(name, data))
    elif data is not None and hasattr(data, "attachments"):
        # An embedded Outlook item: already parsed, so read it in place.
        if ctx.depth >= ctx.limits.archive_depth:
            yield Skip(
                f"{blob.display}!{name}", f"nesting deeper than {ctx.limits.archive_depth} levels"
            )
            return
        inner = blob.child(name, b"")
        ctx.depth += 1
        try:
            yield from _outlook_items(data, inner, ctx)
        finally:
            ctx.depth -= 1
    else:
        yield Skip(f"{blob.display}!{name}", "attachment not stored in the message or unreadable")


def _property(obj: Any, name: str) -> Any:
    """Properties of a damaged .msg raise on access; a missing value is not a failure."""
    try:
        return getattr(obj, name)
    except Exception:
        return None
