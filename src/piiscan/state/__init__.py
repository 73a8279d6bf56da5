"""What piiscan remembers between runs, and what a repository accepts.

    store.py     SQLite state: incremental cache, run history, the per-state fingerprint key
    codec.py     FileResult <-> JSON (masked findings only): the cache's own format
    lock.py      one writer at a time (flock beside the database)
    diff.py      findings new and resolved between two runs
    baseline.py  .piiscan-baseline.json: accepted findings, slow truncated fingerprints

Nothing here stores a raw value: docs/state.md and tests/test_sentinel.py. This package knows
its own storage formats and the lock; the run that uses them is piiscan.run.
Submodules are imported where they are used, so ``piiscan --version`` does not pay for them.
"""
