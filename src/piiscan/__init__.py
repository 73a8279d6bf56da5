"""piiscan: find Japanese personal data in files."""

__version__ = "0.1.0"
