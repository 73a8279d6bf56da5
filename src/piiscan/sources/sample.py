"""``--sample-percent``: scan a seeded, reproducible share of the files of a large store.

A file is in the sample when a keyed hash (HMAC-SHA256 under ``--sample-seed``) of its path
below the scanned root falls under the percentage. So the same seed picks the same files
every night, whether the share is read from a local folder or over a URL; whether one file
is picked does not depend on which others exist (new files do not reshuffle the sample);
and another seed picks another sample (rotate it to cover a store over several nights).
Files left out are counted with the excluded ones, and the report's settings say a sample
was taken: partial coverage is never silent.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from piiscan.mask import keyed_fraction
from piiscan.models import FileRef, Skip, SkipKind


@dataclass(frozen=True)
class Sample:
    percent: float
    seed: str = ""

    def chosen(self, rel_path: str) -> bool:
        return keyed_fraction(self.seed, rel_path) < self.percent / 100

    def apply(self, items: Iterator[FileRef | Skip], root: str) -> Iterator[FileRef | Skip]:
        """The walk of one root (shown as ``root``) with the files outside the sample
        turned into excluded skips."""
        for item in items:
            if isinstance(item, Skip) or self.chosen(relative(item.display, root)):
                yield item
            else:
                yield Skip(item.display, f"not in the {self.percent:g}% sample "
                                         "(--sample-percent)", SkipKind.EXCLUDED)


def relative(display: str, root: str) -> str:
    """A file's path below the root it was found under ('/'-separated); its name when the
    root is the file itself."""
    if display == root:
        return display.rsplit("/", 1)[-1]
    prefix = root.rstrip("/") + "/"
    return display[len(prefix):] if display.startswith(prefix) else display
