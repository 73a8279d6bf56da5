"""A run: everything around the pure per-file scan (piiscan.scan.scan_file).

    session.py  ScanSession: state, baseline, suppressions, cache; scan_paths walks the
                sources and hands each file's result on in walk order
    pool.py     worker processes for --jobs (and the fork server's warm-up)
    baseline.py matching findings against .piiscan-baseline.json
    guard.py    SIGINT/SIGTERM end a scan cleanly
    cache.py    what a run asks of an incremental cache
"""
