"""What DOCX, XLSX and PPTX readers share: the zip package opened with limits, XML parsed
without entities, relationships, document properties and embedded files.

OOXML documents come from strangers, so every part is size-checked before it is inflated
(a 1 KB part can claim to inflate to gigabytes) and every XML part is parsed by defusedxml,
which refuses entity declarations and external references.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from piiscan.extract import BOMB, size_text
from piiscan.models import Location, Segment

if TYPE_CHECKING:
    from piiscan.extract import Blob, ExtractContext, Item


# docProps/core.xml fields worth scanning; dates and revision numbers are not.
_CORE_FIELDS = (
    "creator",
    "lastModifiedBy",
    "title",
    "subject",
    "keywords",
    "description",
    "category",
)
_APP_FIELDS = {"Company": "company", "Manager": "manager"}
TREE_SHARE = 16  # a part parsed whole may be 1/16 of the piece limit (16 MiB by default)


class PackageError(Exception):
    """The package cannot be read at all; ``reason`` is the whole skip message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Rel:
    """One relationship of a part: its id, type, resolved target, mode.

    ``type`` is the last segment of the type URI, so the transitional
    (schemas.openxmlformats.org) and strict (purl.oclc.org) flavours compare equal.
    """

    id: str
    type: str
    target: str
    external: bool


def local(tag: str) -> str:
    """``{namespace}name`` -> ``name``: OOXML comes in two namespace flavours."""
    return tag.rpartition("}")[2]


class Package:
    """A zip-based Office document, with every part read under the scan's limits."""

    def __init__(self, zf: zipfile.ZipFile, blob: Blob, ctx: ExtractContext, kind: str) -> None:
        self.zf = zf
        self.blob = blob
        self.ctx = ctx
        self.kind = kind
        self.names = [info.filename for info in zf.infolist()]
        self._name_set = set(self.names)
        self._rels: dict[str, list[Rel]] = {}

    def has(self, name: str) -> bool:
        return name in self._name_set

    def _checked_info(self, name: str, count: bool) -> zipfile.ZipInfo:
        info = self.zf.getinfo(name)
        refused = self.ctx.budget.refusal(info.file_size, f"part {name}")
        if refused and info.file_size > self.ctx.budget.piece:
            raise PackageError(refused)
        if count:
            self.ctx.budget.charge(info.file_size)
        return info

    def read(self, name: str, *, count: bool = True) -> bytes:
        # zipfile stops after the declared size, so the check above bounds what is inflated.
        return self.zf.read(self._checked_info(name, count))

    def stream(self, name: str) -> IO[bytes]:
        return self.zf.open(self._checked_info(name, True))

    def verify(self, name: str) -> None:
        """Inflate a part and throw it away: its declared size and checksum are then known
        to be true, before a reader that trusts neither (calamine) inflates it."""
        with self.stream(name) as fh:
            while fh.read(1 << 20):
                self.ctx.check_time()

    def xml(self, name: str) -> Element:
        """A part parsed whole into a tree (about ten times its size in memory): parts over
        ``TREE_SHARE`` of the piece limit are refused; big parts are streamed (iterparse)."""
        limit = self.ctx.budget.piece // TREE_SHARE
        if self.zf.getinfo(name).file_size > limit:
            raise PackageError(f"part {name} decompresses to more than {size_text(limit)}, "
                               f"too much to parse whole — {BOMB}")
        try:
            root: Element = SafeET.fromstring(self.read(name))
        except DefusedXmlException as exc:
            raise PackageError(f"unsafe XML in {name} refused ({type(exc).__name__})") from exc
        return root

    def iterparse(self, name: str, events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
        with self.stream(name) as fh:
            try:
                yield from SafeET.iterparse(fh, events=events)
            except DefusedXmlException as exc:
                raise PackageError(f"unsafe XML in {name} refused ({type(exc).__name__})") from exc

    def rels(self, part: str) -> list[Rel]:
        """Relationships of ``part`` ('' for the package itself), targets resolved to names."""
        if part not in self._rels:
            self._rels[part] = self._read_rels(part)
        return self._rels[part]

    def _read_rels(self, part: str) -> list[Rel]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        if not self.has(rels_name):
            return []
        out: list[Rel] = []
        for node in self.xml(rels_name):
            target = node.get("Target", "")
            external = node.get("TargetMode") == "External"
            if not external:
                target = resolve(folder, target)
            rel_type = node.get("Type", "").rsplit("/", 1)[-1]
            out.append(Rel(node.get("Id", ""), rel_type, target, external))
        return out

    def related(self, part: str, *types: str) -> list[str]:
        """Internal targets of ``part``'s relationships of the given types, in file order."""
        return [
            r.target
            for r in self.rels(part)
            if r.type in types and not r.external and self.has(r.target)
        ]


def resolve(folder: str, target: str) -> str:
    """A relationship target as a zip member name, relative to the source part's folder."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


@contextmanager
def open_package(blob: Blob, ctx: ExtractContext, kind: str) -> Iterator[Package]:
    """Open ``blob`` as a zip; a damaged zip becomes a PackageError with a readable reason."""
    with blob.open() as fh:
        try:
            zf = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise PackageError(
                f"corrupt or truncated {kind} file — the zip structure is damaged ({exc})"
            ) from exc
        with zf:
            check_declared(zf, ctx)
            yield Package(zf, blob, ctx, kind)


def check_declared(zf: zipfile.ZipFile, ctx: ExtractContext) -> None:
    """Refuse a package whose parts declare more than the budget allows, before inflating
    any (reads stop at the declared sizes, so they bound what can be inflated)."""
    budget = ctx.budget
    infos = zf.infolist()
    for info in infos:
        if info.file_size > budget.piece:
            raise PackageError(budget.refusal(info.file_size, f"part {info.filename}") or "")
    refused = budget.refusal(sum(info.file_size for info in infos))
    if refused:
        raise PackageError(refused)


def texts(elem: Element, name: str = "t") -> str:
    """All text of descendants called ``name`` (any namespace), in document order."""
    return "".join(node.text or "" for node in elem.iter() if local(node.tag) == name)


def metadata(pkg: Package, location: Location) -> Iterator[Segment]:
    """Document properties: author and last editor are personal data, titles often are."""
    core = _property_part(pkg, "core-properties", "docProps/core.xml")
    if core:
        root = pkg.xml(core)
        for node in root:
            name = local(node.tag)
            if name in _CORE_FIELDS and node.text and node.text.strip():
                yield Segment(node.text.strip(), replace(location, part=f"metadata:{name}"))
    app = _property_part(pkg, "extended-properties", "docProps/app.xml")
    if app:
        for node in pkg.xml(app):
            field = _APP_FIELDS.get(local(node.tag))
            if field and node.text and node.text.strip():
                yield Segment(node.text.strip(), replace(location, part=f"metadata:{field}"))
    custom = _property_part(pkg, "custom-properties", "docProps/custom.xml")
    if custom:
        for prop in pkg.xml(custom):
            value = "".join((child.text or "") for child in prop).strip()
            if value:
                label = f"metadata:custom:{prop.get('name', '')}"
                yield Segment(value, replace(location, part=label))


def _property_part(pkg: Package, rel_type: str, default: str) -> str | None:
    found = pkg.related("", rel_type)
    if found:
        return found[0]
    return default if pkg.has(default) else None


def embedded(pkg: Package, folder: str, ctx: ExtractContext) -> Iterator[Item]:
    """Files embedded in the document (a spreadsheet pasted into a letter) are scanned as
    members of it, with every limit of nested containers."""
    for name in pkg.names:
        if name.startswith(folder) and not name.endswith("/"):
            ctx.check_time()
            data = pkg.read(name, count=False)  # ctx.nested counts it
            yield from ctx.nested(pkg.blob.child(name, data))
