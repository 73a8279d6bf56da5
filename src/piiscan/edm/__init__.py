"""Exact data match (EDM): find a customer master's own values in files.

    edm build:   master ─ master.py (CSV in any Japanese encoding, XLSX) ─ schema.py (which
                 columns, as what) ─ build.py (mask.canonical, mask.EdmHasher) ─ index.py
    scan --edm:  scan_file ─ match.py (look candidates up, corroborate, mark findings)

A company knows its customers: hashed under a key of its own (keyfile.py), the master's
phone numbers, e-mail addresses, My Numbers and customer ids become an index in which a
pattern rule's candidate is looked up; names, addresses and birth dates of the same row
nearby confirm it. The index holds keyed hashes and row ids only (docs/edm.md).
"""
