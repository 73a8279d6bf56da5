"""OCR: the text on one page image, for the image extractor and scanned PDF pages.

The engine is RapidOCR (PyPI ``rapidocr``, installed by ``piiscan[ocr]``) running the PP-OCRv6
detection and recognition models that ship inside its wheel on ONNX Runtime: they read
Japanese (kanji, both kana), horizontal and vertical. The model files are passed by path; a
missing one is an error, never a download. Without RapidOCR, Tesseract is the fallback
(``piiscan[ocr-tesseract]`` plus Debian's ``tesseract-ocr-jpn`` and ``-jpn-vert``): slower and
less accurate on the benchmark forms (docs/benchmarks.md, "OCR").

Nothing here is imported until a page needs OCR, and the engine is built once per process:
each worker of the ``--jobs`` pool loads its own, single-threaded, so N workers use N cores.
The text is folded for OCR's digit confusions (``normalize.fold_ocr``) and its four-digit
groups evenly spaced (``normalize.even_digit_groups``) before it is returned.
"""

from __future__ import annotations

import functools
import importlib.util
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from piiscan.normalize import even_digit_groups, fold_ocr

if TYPE_CHECKING:
    from PIL.Image import Image

    from piiscan.extract import ExtractContext

INSTALL_HINT = "pip install 'piiscan[ocr]'"
MAX_SIDE = 4000  # longer side in pixels a page is scaled down to before OCR (A4 at ~340 dpi)
# The PP-OCRv6 models inside the rapidocr wheel (rapidocr/models/).
RAPIDOCR_MODELS = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
TESSERACT_LANGS = ("jpn", "jpn_vert")
ENGINES = ("rapidocr", "tesseract")  # preference order: the first one installed is used
_MODULES = {"rapidocr": ("rapidocr", "onnxruntime"), "tesseract": ("pytesseract",)}


class OcrUnavailable(Exception):
    """No OCR engine is installed, or its models are missing. The message says what to do."""


class Engine(Protocol):
    name: str

    def read(self, image: Image, seconds: float) -> str:
        """The page's text, lines in reading order; ``seconds`` is the time left for it."""


def engine_name() -> str:
    """Which engine ``--ocr`` will use, found without importing it (cheap: for the command
    line to refuse ``--ocr`` up front, exit 2, when nothing can run it)."""
    for name in ENGINES:
        if all(importlib.util.find_spec(module) for module in _MODULES[name]) and \
                (name != "tesseract" or shutil.which("tesseract")):
            return name
    raise OcrUnavailable(f"--ocr needs an OCR engine: {INSTALL_HINT}")


def build_engine(name: str) -> Engine:
    """Load an engine and its models (seconds): once per process, through _engine."""
    return RapidOcr() if name == "rapidocr" else Tesseract()


def read_page(image: Image, ctx: ExtractContext) -> str:
    """OCR one page within the file's time budget, folded for OCR's digit confusions."""
    ctx.check_time()
    page = _prepared(image)
    text = _engine().read(page, max(ctx.deadline - time.monotonic(), 1.0))
    ctx.check_time()
    return even_digit_groups(fold_ocr(text))


def _prepared(image: Image) -> Image:
    """Greyscale, at most MAX_SIDE pixels on the longer side."""
    page = image.convert("L") if image.mode != "L" else image
    if max(page.size) > MAX_SIDE:
        page = page.copy()
        page.thumbnail((MAX_SIDE, MAX_SIDE))
    return page


@functools.cache
def _engine() -> Engine:
    return build_engine(engine_name())


# --------------------------------------------------------------------------- RapidOCR


class RapidOcr:
    name = "rapidocr"

    def __init__(self) -> None:
        import rapidocr

        models = Path(rapidocr.__file__).parent / "models"
        params: dict[str, Any] = {
            "Global.log_level": "error",
            "EngineConfig.onnxruntime.intra_op_num_threads": 1,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
        for stage, file in RAPIDOCR_MODELS.items():
            path = models / file
            if not path.is_file():
                raise OcrUnavailable(f"the OCR model {file} is missing from the rapidocr "
                                     f"package (piiscan never downloads one): {INSTALL_HINT}")
            params[f"{stage}.model_path"] = str(path)
        self._ocr = rapidocr.RapidOCR(params=params)

    def read(self, image: Image, seconds: float) -> str:
        result = self._ocr(image)
        quads, texts = getattr(result, "boxes", None), getattr(result, "txts", None)
        if quads is None or not texts:
            return ""
        boxes = [_box(quad, text) for quad, text in zip(quads, texts, strict=True)]
        return assemble_lines(boxes)


@dataclass(frozen=True)
class Box:
    """One piece of text the detector found, by its bounding rectangle."""

    left: float
    top: float
    right: float
    bottom: float
    text: str

    @property
    def tall(self) -> bool:
        return self.bottom - self.top > 1.5 * (self.right - self.left)


def _box(quad: Any, text: str) -> Box:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return Box(min(xs), min(ys), max(xs), max(ys), text)


def assemble_lines(boxes: Sequence[Box]) -> str:
    """Boxes into lines a person would read. On a page of mostly tall boxes (縦書き) lines
    are columns, right to left, each read top to bottom; otherwise rows, top to bottom, each
    read left to right. A box whose middle falls inside a line's first box joins that line,
    so a form's label and its value become one line, as typed text would have them."""
    words = [b for b in boxes if b.text.strip()]
    long_words = [b for b in words if len(b.text) > 1]
    if 2 * sum(b.tall for b in long_words) > len(long_words):
        lines = _lines(words, span=lambda b: (-b.right, -b.left), along=lambda b: b.top)
    else:
        lines = _lines(words, span=lambda b: (b.top, b.bottom), along=lambda b: b.left)
    return "\n".join(lines)


def _lines(boxes: Sequence[Box], span: Callable[[Box], tuple[float, float]],
           along: Callable[[Box], float]) -> list[str]:
    groups: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: sum(span(b)) / 2):
        middle = sum(span(box)) / 2
        if groups and span(groups[-1][0])[0] <= middle <= span(groups[-1][0])[1]:
            groups[-1].append(box)
        else:
            groups.append([box])
    return [" ".join(b.text for b in sorted(group, key=along)) for group in groups]


# --------------------------------------------------------------------------- Tesseract


class Tesseract:
    name = "tesseract"

    def __init__(self) -> None:
        import pytesseract

        try:
            langs = set(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise OcrUnavailable(f"tesseract is not installed ({exc}); {INSTALL_HINT}, or "
                                 "apt-get install tesseract-ocr tesseract-ocr-jpn "
                                 "tesseract-ocr-jpn-vert") from None
        missing = [lang for lang in TESSERACT_LANGS if lang not in langs]
        if missing:
            raise OcrUnavailable(f"tesseract has no {', '.join(missing)} data: apt-get install "
                                 + " ".join(f"tesseract-ocr-{m.replace('_', '-')}"
                                            for m in missing))
        self._tesseract = pytesseract

    def read(self, image: Image, seconds: float) -> str:
        try:
            text: str = self._tesseract.image_to_string(
                image, lang="+".join(TESSERACT_LANGS), timeout=seconds)
        except RuntimeError as exc:  # pytesseract killed it at the timeout
            if "timeout" not in str(exc).lower():
                raise
            return ""  # read_page's check_time reports the budget
        return text
