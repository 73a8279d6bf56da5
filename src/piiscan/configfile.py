"""Configuration files: ``.piiscan.toml`` or ``[tool.piiscan]`` in ``pyproject.toml``.

Discovery starts at the first scanned path (its folder, for a file) and walks up to the
filesystem root; the first folder with a ``.piiscan.toml``, or a ``pyproject.toml`` that has
a ``[tool.piiscan]`` table, wins (``.piiscan.toml`` first). ``--config PATH`` names the file
instead. Relative paths in the file (``rules``, ``state``, ``baseline``, ``allow_paths``) are
relative to the file's folder.

Precedence: command-line flags given explicitly > the config file > defaults. List options
(``rules``, ``disable_rules``, ``exclude``, ``allow_paths``, ``allow_values``) add up: the
file's entries, then the flags'. Unknown keys are errors (exit 2) naming the file and key:
a misspelt ``exlude`` must not silently scan what the user meant to leave out.

Example::

    # .piiscan.toml
    fail_on = "high"
    exclude = ["tests/fixtures/**", "*.min.js"]
    baseline = ".piiscan-baseline.json"
    state = "~/.local/state/piiscan/repo.db"
    key_file = "~/.config/piiscan/state.key"     # the state's key, outside the database
    allow_paths = ["docs/sample-data/**"]       # scanned, findings suppressed and counted
    allow_values = ["03-1234-5678"]             # e.g. the company's own switchboard
    edm = "/var/lib/piiscan/customers.edm"      # exact data match (docs/edm.md)
    edm_key = "/etc/piiscan/edm.key"
    ocr = true                                  # read scans and photos (piiscan[ocr])

    [smtp]                                      # for `piiscan diff --mail-to` (alerts.mail)
    host = "smtp.example.co.jp"
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piiscan.errors import ConfigError

if TYPE_CHECKING:
    from piiscan.config import Settings

CONFIG_FILE = ".piiscan.toml"
PYPROJECT = "pyproject.toml"

LEVELS = ("low", "medium", "high", "critical")


def parse_size(text: str | int) -> int:
    """``500K``, ``20M``, ``1G``, ``1.5MiB`` or a number of bytes; at least one byte."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    raw = str(text).strip().lower().removesuffix("b").removesuffix("i")
    try:
        if isinstance(text, int) and not isinstance(text, bool):
            size = text
        elif raw and raw[-1] in units:
            size = int(float(raw[:-1]) * units[raw[-1]])
        else:
            size = int(raw)
    except ValueError:
        raise ValueError(f"'{text}' is not a size like 500K, 20M or 1G") from None
    if size < 1:
        raise ValueError(f"'{text}' is not a size: give at least one byte, like 500K or 20M")
    return size


def _str_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError("expected a list of strings")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


def _int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise ValueError("expected a whole number >= 0")


MAX_JOBS = 256  # more worker processes than this is a typo, not a plan


def _jobs(value: Any) -> int:
    if _int(value) <= MAX_JOBS:
        return int(value)
    raise ValueError(f"expected a number of worker processes from 0 to {MAX_JOBS}")


def _choice(*choices: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if isinstance(value, str) and value.lower() in choices:
            return value.lower()
        raise ValueError(f"expected one of {', '.join(choices)}")
    return check


def _size_value(value: Any) -> int:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return parse_size(value)
    raise ValueError("expected a size like \"256M\" or a number of bytes")


def _path(value: Any) -> str:
    if isinstance(value, str) and value:
        return value
    raise ValueError("expected a path")


SMTP_SECURITY = ("starttls", "tls", "none")
SMTP_DEFAULT_PORT = {"starttls": 587, "tls": 465, "none": 25}
SMTP_PASSWORD_ENV = "PIISCAN_SMTP_PASSWORD"
_SMTP_KEYS = {"host", "port", "security", "user", "password_env", "from", "cafile", "timeout"}


def smtp_table(value: Any) -> dict[str, Any]:
    """The ``[smtp]`` table for alert mail (piiscan.alerts.mail, docs/operations.md)."""
    if not isinstance(value, dict):
        raise ValueError("expected a table: [smtp] with host, port, security, user, ...")
    if "password" in value:
        raise ValueError("do not put the password in the configuration file: set "
                         f"password_env = \"NAME\" (default {SMTP_PASSWORD_ENV}) and the password "
                         "in that environment variable")
    unknown = sorted(set(value) - _SMTP_KEYS)
    if unknown:
        raise ValueError(f"unknown key '{unknown[0]}' (known: {', '.join(sorted(_SMTP_KEYS))})")
    if not isinstance(value.get("host"), str) or not value["host"]:
        raise ValueError("'host' (the SMTP server) is required")
    security = value.get("security", "starttls")
    if security not in SMTP_SECURITY:
        raise ValueError(f"'security' must be one of {', '.join(SMTP_SECURITY)}")
    port = value.get("port", SMTP_DEFAULT_PORT[security])
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise ValueError("'port' must be a port number")
    for key in ("user", "password_env", "from", "cafile"):
        if key in value and not isinstance(value[key], str):
            raise ValueError(f"'{key}' must be a string")
    timeout = value.get("timeout", 30)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise ValueError("'timeout' must be a number of seconds")
    if value.get("user") and security == "none":
        raise ValueError("'user' is set with security = \"none\": a password is never sent "
                         "without TLS (use starttls or tls)")
    return {**value, "security": security, "port": port, "timeout": float(timeout)}


def _path_or_flag(value: Any) -> str | bool:
    if isinstance(value, (str, bool)):
        return value
    raise ValueError("expected a path, or true/false")


def _cluster(value: Any) -> str | None:
    if value is False:
        return None
    if isinstance(value, str) and value:
        return value
    raise ValueError("expected local:N or a scheduler address like tcp://host:8786")


def _percent(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 100:
        return float(value)
    raise ValueError("expected a percentage above 0, at most 100")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("expected a string")


@dataclass(frozen=True)
class Option:
    parse: Callable[[Any], Any]
    help: str
    is_list: bool = False
    is_path: bool = False  # relative paths are relative to the config file's folder


OPTIONS: dict[str, Option] = {
    "rules": Option(_str_list, "extra rule folders or files", is_list=True, is_path=True),
    "disable_rules": Option(_str_list, "rule ids to turn off", is_list=True),
    "exclude": Option(_str_list, "gitignore-style patterns of paths to leave out",
                      is_list=True),
    "follow_symlinks": Option(_bool, "follow symbolic links"),
    "min_confidence": Option(_choice("low", "medium", "high"), "lowest confidence reported"),
    "fail_on": Option(_choice(*LEVELS), "lowest severity that makes the exit code 1"),
    "max_file_size": Option(_size_value, "files above this size are skipped, not read"),
    "context_chars": Option(_int, "characters of masked context on each side of a finding"),
    "retention_days": Option(_int, "files older than this many days raise their risk"),
    "jobs": Option(_jobs, "worker processes (0: one per core, 1: none)"),
    "ocr": Option(_bool, "read images and PDF pages without a text layer with OCR "
                  "(needs piiscan[ocr])"),
    "state": Option(_path_or_flag, "state database (true: the default location)", is_path=True),
    "baseline": Option(_path_or_flag, "baseline file (false: none)", is_path=True),
    "key_file": Option(_path, "the state's fingerprint key, kept outside the database "
                       "(owner-only file)", is_path=True),
    "allow_paths": Option(_str_list, "gitignore-style patterns whose findings are suppressed",
                          is_list=True),
    "allow_values": Option(_str_list, "values that are not personal data (compared by "
                           "keyed fingerprint)", is_list=True),
    "smtp": Option(smtp_table, "SMTP server for `piiscan diff --mail-to` (a table; the password "
                          "comes from an environment variable)"),
    "cluster": Option(_cluster, "scan on a Dask cluster: local:N or tcp://scheduler:8786"),
    "sample_percent": Option(_percent, "scan this share of the files (a seeded choice)"),
    "sample_seed": Option(_text, "which files --sample-percent picks"),
    "max_bytes_per_file": Option(_size_value, "scan only the head of larger text files"),
    "edm": Option(_path, "customer master index for exact data match", is_path=True),
    "edm_key": Option(_path, "key file the edm index was built with", is_path=True),
}


@dataclass(frozen=True)
class ConfigFile:
    path: Path | None  # None: no file found
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def base(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    @property
    def label(self) -> str:
        if self.path is None:
            return "config file"
        return f"{self.path}" + (" [tool.piiscan]" if self.path.name == PYPROJECT else "")


def _toml_load(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _table(path: Path) -> dict[str, Any] | None:
    data = _toml_load(path)
    if path.name != PYPROJECT:
        return data
    tool = data.get("tool")
    table = tool.get("piiscan") if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.piiscan] must be a table")
    return table


def find_config(start: str | os.PathLike[str]) -> Path | None:
    """The nearest ``.piiscan.toml`` or ``pyproject.toml`` with ``[tool.piiscan]``, from
    ``start`` upwards."""
    here = Path(os.path.abspath(start))
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        candidate = folder / PYPROJECT
        if candidate.is_file() and _table(candidate) is not None:
            return candidate
    return None


def load_config(path: Path) -> ConfigFile:
    path = path.absolute()
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    table = _table(path)
    if table is None:
        raise ConfigError(f"{path}: has no [tool.piiscan] table")
    config = ConfigFile(path)
    values: dict[str, Any] = {}
    for raw_key, raw_value in table.items():
        key = raw_key.replace("-", "_")
        option = OPTIONS.get(key)
        if option is None:
            raise ConfigError(f"{config.label}: unknown key '{raw_key}' (known: "
                              f"{', '.join(sorted(OPTIONS))})")
        try:
            value = option.parse(raw_value)
        except ValueError as exc:
            raise ConfigError(f"{config.label}: key '{raw_key}': {exc}") from None
        if option.is_path:
            value = _relative_to(path.parent, value)
        if key == "smtp" and "cafile" in value:
            value = {**value, "cafile": _relative_to(path.parent, value["cafile"])}
        values[key] = value
    return replace(config, values=values)


def _relative_to(base: Path, value: Any) -> Any:
    def one(text: str) -> str:
        expanded = os.path.expanduser(text)
        return expanded if os.path.isabs(expanded) else str(base / expanded)

    if isinstance(value, tuple):
        return tuple(one(v) for v in value)
    if isinstance(value, str):
        return one(value)
    return value


def discover(paths: Sequence[str], explicit: str | None = None) -> ConfigFile:
    if explicit:
        return load_config(Path(explicit))
    from piiscan.sources import is_url

    local = [p for p in paths if not is_url(p)]  # a URL has no folder to look in
    found = find_config(local[0] if local else ".")
    return load_config(found) if found is not None else ConfigFile(None)


@dataclass(frozen=True)
class Effective:
    """Merged settings, each with where it came from: 'default', 'command line', or the
    config file's name."""

    values: dict[str, Any]
    sources: dict[str, str]
    config: ConfigFile

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


DEFAULTS: dict[str, Any] = {
    "rules": (),
    "disable_rules": (),
    "exclude": (),
    "follow_symlinks": False,
    "min_confidence": "medium",
    "fail_on": "low",
    "max_file_size": 256 * 1024 * 1024,
    "context_chars": 20,
    "retention_days": None,
    "jobs": 0,
    "ocr": False,
    "state": None,
    "baseline": None,
    "key_file": None,
    "allow_paths": (),
    "allow_values": (),
    "smtp": None,
    "cluster": None,
    "sample_percent": None,
    "sample_seed": "",
    "max_bytes_per_file": None,
    "edm": None,
    "edm_key": None,
}


def merge(config: ConfigFile, cli: dict[str, Any], explicit: set[str]) -> Effective:
    """``cli`` holds the command line's values under OPTIONS keys (defaults included);
    ``explicit`` names those the user actually typed."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    name = config.label
    for key in OPTIONS:
        default = cli.get(key, DEFAULTS[key])
        from_file = key in config.values
        given = key in explicit
        if OPTIONS[key].is_list:
            values[key] = (tuple(config.values.get(key, ()))
                           + (tuple(cli.get(key, ())) if given else ()))
            parts = ([name] if from_file else []) + (["command line"] if given else [])
            sources[key] = " + ".join(parts) or "default"
        elif given:
            values[key], sources[key] = cli[key], "command line"
        elif from_file:
            values[key], sources[key] = config.values[key], name
        else:
            values[key], sources[key] = default, "default"
    return Effective(values, sources, config)


def settings_from(effective: Effective, *, show_values: bool = False,
                  no_ignore: bool = False, **extra: Any) -> Settings:
    """The scan Settings for merged values (``extra``: other Settings fields from flags)."""
    from piiscan.config import Limits, Settings, cpu_count
    from piiscan.models import Level

    v = effective.values
    return Settings(
        rule_dirs=tuple(v["rules"]),
        disabled_rules=tuple(v["disable_rules"]),
        excludes=tuple(v["exclude"]),
        follow_symlinks=bool(v["follow_symlinks"]),
        min_confidence=Level.parse(v["min_confidence"]),
        fail_on=Level.parse(v["fail_on"]),
        show_values=show_values,
        context_chars=int(v["context_chars"]),
        limits=replace(Limits(), max_file_size=int(v["max_file_size"])),
        retention_days=v["retention_days"],
        jobs=int(v["jobs"]) or cpu_count(),
        no_ignore=no_ignore,
        allow_paths=tuple(v["allow_paths"]),
        cluster=v["cluster"],
        sample_percent=v["sample_percent"],
        sample_seed=str(v["sample_seed"]),
        max_bytes_per_file=v["max_bytes_per_file"],
        ocr=bool(v["ocr"]),
        **extra,
    )
