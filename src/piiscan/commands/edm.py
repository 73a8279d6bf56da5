"""``piiscan edm``: exact data match against a customer master (docs/edm.md).

    piiscan edm keygen -o edm.key                                  a new key (owner-only)
    piiscan edm build 顧客.csv --schema edm.yaml --key-file edm.key -o customers.edm
    piiscan edm info customers.edm                                 what an index holds
    piiscan scan ./share --edm customers.edm --edm-key edm.key     use it
"""

from __future__ import annotations

import json
import os
import sys

import click

from piiscan.commands.common import fail
from piiscan.errors import PiiscanError


@click.group("edm")
def edm_group() -> None:
    """Exact data match: find a customer master's own values in files.

    The master's chosen columns are stored as keyed hashes only (HMAC-SHA256 under a key
    file kept apart from the index). `piiscan scan --edm INDEX --edm-key KEY` then reports a
    phone number, e-mail, My Number or customer id found in a file as that customer's row,
    confirmed by a name, address or birth date nearby (docs/edm.md).
    """


@edm_group.command("keygen")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              metavar="KEY", help="Where to write the new key (never overwritten).")
def keygen(output: str) -> None:
    """Make a new random EDM key file (owner-only)."""
    from piiscan.edm import keyfile

    try:
        keyfile.generate(output)
    except PiiscanError as error:
        fail(error)
    click.echo(f"piiscan: wrote a new EDM key to {output} (mode 0600). Keep it apart from "
               "the index and as private as the master: with both, values can be guessed.")


@edm_group.command("build")
@click.argument("master", type=click.Path(dir_okay=False))
@click.option("--schema", "schema_path", required=True, type=click.Path(dir_okay=False),
              metavar="SCHEMA", help="YAML naming the primary and corroborating columns.")
@click.option("--key-file", "--edm-key", "key_path", required=True,
              type=click.Path(dir_okay=False), metavar="KEY",
              help="The EDM key (`piiscan edm keygen`).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              metavar="INDEX", help="The index to write (replaced atomically, mode 0600).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Rule files declaring the schema's own types (a customer id). Repeatable.")
def build(master: str, schema_path: str, key_path: str, output: str,
          rule_dirs: tuple[str, ...]) -> None:
    """Hash a customer master (CSV in any Japanese encoding, or XLSX) into an index.

    Only keyed hashes of the schema's columns, grouped by row, and each row's id are
    stored: no value and no key.
    """
    from piiscan.edm import keyfile
    from piiscan.edm.build import build as build_index
    from piiscan.edm.schema import EdmSchema
    from piiscan.errors import UsageError
    from piiscan.mask import EdmHasher
    from piiscan.rules.loader import load_ruleset

    try:
        if os.path.abspath(output) == os.path.abspath(master):
            raise UsageError("the index would replace the master: choose another -o")
        schema = EdmSchema.load(schema_path)
        schema.check_types(load_ruleset(rule_dirs))
        hasher = EdmHasher(keyfile.read(key_path))
        stats = build_index(master, schema, hasher, output)
    except PiiscanError as error:
        fail(error)
    except KeyboardInterrupt:
        click.echo("piiscan: interrupted; no index was written", err=True)
        sys.exit(4)
    counts = ", ".join(f"{column} {n:,}" for column, n in stats.values.items())
    click.echo(f"piiscan: wrote {output}: {stats.rows:,} rows, {sum(stats.values.values()):,} "
               f"values hashed ({counts}); {stats.bytes / 1e6:.1f} MB in "
               f"{stats.seconds:.1f} s; key id {hasher.key_id}")
    notes = []
    if stats.rows_without_primary:
        notes.append(f"{stats.rows_without_primary:,} rows have no primary value and can "
                     "never match")
    if stats.restored_zeros:
        notes.append(f"{stats.restored_zeros:,} numbers stored without their leading zero "
                     "got it back")
    if stats.shared_values:
        notes.append(f"{stats.shared_values:,} primary values are shared by more than 10 "
                     "rows (a company number?); a match on one names the first row "
                     "its neighbours confirm")
    if stats.missing_ids:
        notes.append(f"{stats.missing_ids:,} rows have an empty id column and are named by "
                     "their row number")
    for note in notes:
        click.echo(f"piiscan: note: {note}", err=True)


@edm_group.command("info")
@click.argument("index_path", metavar="INDEX", type=click.Path(dir_okay=False))
@click.option("--edm-key", "--key-file", "key_path", type=click.Path(dir_okay=False),
              default=None, metavar="KEY", help="Also check that KEY is the index's key.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def info(index_path: str, key_path: str | None, fmt: str) -> None:
    """What an index holds: its master, rows, columns, key id (no values)."""
    from piiscan.edm.index import read_header

    try:
        header = read_header(index_path)
        if key_path is not None:
            from piiscan.edm.match import EdmMatcher

            EdmMatcher.load(index_path, key_path)
    except PiiscanError as error:
        fail(error)
    header = {k: v for k, v in header.items() if k != "sections"}
    if fmt == "json":
        sys.stdout.write(json.dumps(header, ensure_ascii=False, indent=2) + "\n")
        return
    click.echo(f"{index_path}: {header['name']} from {header['master']}, built "
               f"{header['created']}")
    click.echo(f"  rows: {header['rows']:,} (named by "
               f"{header['id_column'] or 'their row number'})")
    for group in ("primary", "corroborating"):
        for column in header[group]:
            click.echo(f"  {group:<13} {column['column']}: {column['type']}, "
                       f"{column['values']:,} values")
    click.echo(f"  window: {header['window']} characters; key id {header['key_id']}"
               + ("; the key matches" if key_path else ""))
