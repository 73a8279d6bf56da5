"""Throughput of the PDF and Office extractors on generated Japanese files.

    .venv/bin/python benchmarks/extract_formats.py [--runs 3]

Generates its inputs into a temporary folder (tests/fixtures_office.py), runs each
extractor ``--runs`` times and prints the median. Figures are tracked, never asserted.
Reference readers (openpyxl, python-docx) are timed on the same files for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
try:
    import piiscan  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402

from piiscan.extract import Blob, ExtractContext, extract_blob  # noqa: E402
from piiscan.extract.pdfstreams import measure  # noqa: E402
from piiscan.models import Location, Segment  # noqa: E402

import fixtures_office as gen  # noqa: E402

PDF_PAGES = 200
XLSX_ROWS = 20_000
SMALL_FILES = 50


def run_extract(path: Path) -> int:
    """Extract one file; return the number of segments (so nothing is optimised away)."""
    blob = Blob(path.name, Location(path.name), path=str(path))
    return sum(isinstance(i, Segment) for i in extract_blob(blob, ExtractContext()))


def median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


@contextmanager
def pdfium_disabled() -> Iterator[None]:
    """Make pdfium refuse every file so the pdfminer.six fallback does the work."""
    original = pdfium.PdfDocument

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise pdfium.PdfiumError("disabled for the benchmark")

    pdfium.PdfDocument = refuse
    try:
        yield
    finally:
        pdfium.PdfDocument = original


def openpyxl_rows(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    finally:
        wb.close()


def python_docx_paragraphs(path: Path) -> int:
    import docx

    doc = docx.Document(str(path))
    count = len(doc.paragraphs)
    for table in doc.tables:
        count += sum(1 for row in table.rows for _ in row.cells)
    return count


def report(label: str, seconds: float, units: float, unit: str) -> None:
    print(f"{label:<44} {units / seconds:>12,.0f} {unit}/s   (median {seconds * 1000:,.1f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="piiscan-bench-") as tmp:
        folder = Path(tmp)
        pdf = gen.make_pdf_many_pages(folder / "long.pdf", pages=PDF_PAGES)["path"]
        xlsx = gen.make_big_xlsx(folder / "big.xlsx", rows=XLSX_ROWS)["path"]
        docx = gen.make_small_docx(folder / "letter.docx")["path"]
        pptx = gen.make_small_pptx(folder / "deck.pptx")["path"]
        print(
            f"inputs: {PDF_PAGES}-page PDF, {XLSX_ROWS:,}-row XLSX (8 columns), "
            f"DOCX of {docx.stat().st_size:,} B, PPTX of {pptx.stat().st_size:,} B; "
            f"median of {runs} runs"
        )

        report("pdf  pypdfium2", median_seconds(lambda: run_extract(pdf), runs), PDF_PAGES, "pages")
        data = pdf.read_bytes()  # of that, measuring the streams for the decompression budget
        report("pdf  stream measurement (budget)",
               median_seconds(lambda: measure(data, piece=1 << 40, total=1 << 40), runs),
               PDF_PAGES, "pages")
        with pdfium_disabled():
            seconds = median_seconds(lambda: run_extract(pdf), runs)
        report("pdf  pdfminer.six (fallback)", seconds, PDF_PAGES, "pages")

        rows = XLSX_ROWS + 1
        report(
            "xlsx piiscan (calamine + XML pass)",
            median_seconds(lambda: run_extract(xlsx), runs),
            rows,
            "rows",
        )
        report(
            "xlsx reference: openpyxl read-only, values only",
            median_seconds(lambda: openpyxl_rows(xlsx), runs),
            rows,
            "rows",
        )

        def many(work: Callable[[Path], object], path: Path) -> Callable[[], None]:
            return lambda: [work(path) for _ in range(SMALL_FILES)] and None

        report("docx piiscan", median_seconds(many(run_extract, docx), runs), SMALL_FILES, "files")
        report(
            "docx reference: python-docx",
            median_seconds(many(python_docx_paragraphs, docx), runs),
            SMALL_FILES,
            "files",
        )
        report("pptx piiscan", median_seconds(many(run_extract, pptx), runs), SMALL_FILES, "files")


if __name__ == "__main__":
    main()
