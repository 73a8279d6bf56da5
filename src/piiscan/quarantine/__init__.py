"""Act on a scan: move files with personal data into a quarantine folder, or take away
everyone's access but their owner's, and undo either from the audit log.

    piiscan quarantine --state DIR --to QDIR [--min-level high] [--type T] [--overdue]
                       [--chmod] [--stub] [--apply]
    piiscan quarantine --state DIR --restore [--file PATH] [--apply]

- ``select``: which files, from a complete run recorded in the state.
- ``fileops``: opening, checking, moving and copying without following links or losing a
  file.
- ``actions``: quarantine, chmod and restore, each file checked against what the scan saw.
- ``log``: the append-only JSON-lines audit log (no values).

A dry run (the default) does every check and changes nothing.
"""
