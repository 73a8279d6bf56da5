"""Images (PNG, JPEG, TIFF with its pages, BMP, GIF, WebP) read with OCR, under ``--ocr``.

Without ``--ocr`` images never reach this module: the registry lists them as not scanned
(``UNSUPPORTED["image"]``). Each page's size is read from the header before a pixel is
decoded: a page over ``limits.image_pixels`` (a decompression bomb, or a poster scanned at
1,200 dpi) is a skip with that reason. A multi-page TIFF or animated image gives each page
its own location, ``fax.tiff#page=3``; a single-page image is located by its path alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, BinaryIO

from piiscan.extract import ocr
from piiscan.models import Note, Segment, Skip, SkipKind

if TYPE_CHECKING:
    from PIL.Image import Image

    from piiscan.extract import Blob, ExtractContext

Item = Segment | Skip | Note


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    limit = ctx.limits.image_pixels
    with blob.open() as fh:
        try:
            image = _open(fh)
        except PILImage.DecompressionBombError:  # over Pillow's own limit, far over ours
            yield Skip(blob.display, _too_large("image", limit))
            return
        except UnidentifiedImageError:
            yield Skip(blob.display, "image format OCR cannot decode (e.g. HEIC) — not scanned",
                       SkipKind.UNSUPPORTED)
            return
        with image:
            pages = getattr(image, "n_frames", 1)
            for index in range(pages):
                image.seek(index)
                where = f"page {index + 1}: " if pages > 1 else ""
                width, height = image.size
                if width * height > limit:
                    yield Skip(blob.display, _too_large(f"{where}image of {width}x{height} pixels",
                                                        limit))
                    continue
                try:
                    text = ocr.read_page(_decoded(image), ctx)
                except ocr.OcrUnavailable as exc:  # a broken install: say so, not "corrupt"
                    yield Skip(blob.display, f"not scanned: {exc}")
                    return
                location = replace(blob.location, page=index + 1) if pages > 1 else blob.location
                if text.strip():
                    yield Segment(text, location)


def _open(fh: BinaryIO) -> Image:
    """The image with its header read and nothing decoded. Pillow warns from 89 million
    pixels; the limit checked here is lower, so its warning is noise."""
    from PIL import Image as PILImage

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
        return PILImage.open(fh)


def _too_large(what: str, limit: int) -> str:
    return f"{what} is over the {limit:,}-pixel limit (possible decompression bomb) — not scanned"


def _decoded(image: Image) -> Image:
    """The current page, decoded, EXIF rotation applied (a phone photo of a form)."""
    from PIL import ImageOps

    page = ImageOps.exif_transpose(image)
    return page if page is not None else image
