"""Load YAML rule files into compiled rules; every problem names file, rule id and field.

Built-in rules ship inside the wheel (``piiscan/builtin_rules``) and are checked against the
schema by the test suite; user rules (``--rules DIR``) are checked at load time. A user rule
with the id of a built-in one replaces it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from piiscan import compiled, filters, recognizers, validators
from piiscan.builtin import builtin_rules_dir
from piiscan.columns import KIND_GROUPS
from piiscan.errors import RuleError
from piiscan.mask import canonical
from piiscan.models import Category, Level, Reason, RuleInfo
from piiscan.pii_types import PiiType, TypeRegistry, builtin_registry
from piiscan.rules.keywords import keyword_list
from piiscan.rules.rule import Example, Rule

__all__ = ["RuleSet", "builtin_rules_dir", "load_file", "load_ruleset", "rule_files"]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    digest: str  # changes whenever any rule file changes: invalidates incremental results
    types: TypeRegistry = field(default_factory=builtin_registry)

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    def info(self) -> dict[str, RuleInfo]:
        """What reports say about each rule (piiscan.models.RuleInfo)."""
        return {r.id: RuleInfo(r.id, r.name, r.type, r.category, r.severity, r.help_text)
                for r in self.rules}


@dataclass(frozen=True)
class RuleFile:
    """One parsed rule file: the types it declares and its rules, not yet compiled."""

    name: str
    types: tuple[PiiType, ...]
    items: tuple[dict[str, Any], ...]
    check_schema: bool


def load_ruleset(extra_dirs: tuple[str, ...] = (), disabled: tuple[str, ...] = (),
                 builtin: bool = True) -> RuleSet:
    digest = hashlib.sha256()
    sources: list[tuple[Path, bool]] = []
    if builtin:
        sources += [(p, False) for p in rule_files(builtin_rules_dir())]
    for d in extra_dirs:
        path = Path(d)
        if not path.exists():
            raise RuleError(d, "rules folder or file does not exist")
        sources += [(p, True) for p in rule_files(path)]
    files = []
    for path, check_schema in sources:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise RuleError(str(path), f"cannot read the rule file ({exc.strerror})") from None
        digest.update(path.name.encode() + b"\0" + raw)
        files.append(read_file(path, raw, check_schema))
    # Types first, from every file: a rule may use a type another file declares.
    types = builtin_registry().with_types(t for f in files for t in f.types)
    rules: dict[str, Rule] = {}
    for parsed in files:
        for rule in compile_file(parsed, types):
            rules[rule.id] = rule
    unknown = [r for r in disabled if r not in rules]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], rules, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise RuleError("--disable-rule", f"no rule with id {', '.join(unknown)} ({hint}"
                        "`piiscan rules list` shows the ids)")
    kept = tuple(r for r in rules.values() if r.id not in disabled)
    return RuleSet(kept, digest.hexdigest()[:16], types)


def rule_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def load_file(path: Path, raw: bytes | None = None, check_schema: bool = True) -> list[Rule]:
    """The rules of one file, with the built-in types and the ones it declares itself."""
    parsed = read_file(path, raw, check_schema)
    return compile_file(parsed, builtin_registry().with_types(parsed.types))


def read_file(path: Path, raw: bytes | None = None, check_schema: bool = True) -> RuleFile:
    name = str(path)
    try:
        data = compiled.yaml_data(raw if raw is not None else path.read_bytes())
    except compiled.YamlError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise RuleError(name, f"invalid YAML: {where}{exc.problem}") from None
    except OSError as exc:
        raise RuleError(name, f"cannot read: {exc.strerror}") from None
    if check_schema:
        validate_schema(name, data)
        table_keys = [k for k in ("columns", "modifiers", "organisations", "people")
                      if k in data]
        if table_keys and not _is_builtin(path):
            raise RuleError(name, "a column table is built in (rules/jp/columns.yaml) and "
                                  f"not read from --rules; remove '{table_keys[0]}'", None,
                            table_keys[0])
    elif not isinstance(data, dict) or not isinstance(
            data.get("rules", data.get("types", data.get("columns"))), list):
        raise RuleError(name, "expected a mapping with a 'rules' or 'types' list")
    types = []
    for index, item in enumerate(data.get("types", ())):
        try:
            types.append(PiiType.from_dict(item))
        except (KeyError, TypeError, ValueError) as exc:
            raise RuleError(name, f"invalid type: {exc}", None, f"types.{index}") from None
    return RuleFile(name, tuple(types), tuple(data.get("rules", ())), check_schema)


def _is_builtin(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(builtin_rules_dir().resolve())
    except OSError:
        return False


def compile_file(parsed: RuleFile, types: TypeRegistry) -> list[Rule]:
    name = parsed.name
    seen: set[str] = set()
    out = []
    for item in parsed.items:
        rule = compile_rule(name, item, types)
        if parsed.check_schema:
            # A user's rule is compiled now, so a broken pattern is reported at load time;
            # a built-in one (compiled by the test suite) when first needed, which keeps a
            # pre-commit run from compiling rules that never get past their prefilters.
            rule.compile()
        if rule.id in seen:
            raise RuleError(name, "duplicate rule id in one file", rule.id, "id")
        seen.add(rule.id)
        out.append(rule)
    return out




@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    text = (Path(__file__).resolve().parent / "schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def validate_schema(name: str, data: Any) -> None:
    import jsonschema  # only user rule files pay for this import

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return
    error = errors[0]
    path = list(error.absolute_path)
    rule_id = None
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        item = data["rules"][path[1]]
        rule_id = item.get("id") if isinstance(item, dict) else None
        rule_id = str(rule_id) if rule_id else f"#{path[1] + 1}"
        field = ".".join(str(p) for p in path[2:]) or None
    else:
        field = ".".join(str(p) for p in path) or None
    field, problem = schema_problem(error, field)
    raise RuleError(name, problem, rule_id, field)


def schema_problem(error: Any, field: str | None) -> tuple[str | None, str]:
    """A JSON Schema error (jsonschema.ValidationError) at ``field`` in words for people: a
    missing field is named, an unknown one called unknown. Also used by piiscan.edm.schema."""
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return (f"{field}.{missing}" if field else missing), "is required"
    if error.validator == "additionalProperties":
        return field, error.message.replace("Additional properties are not allowed",
                                            "unknown field")
    return field, str(error.message)


def compile_rule(name: str, item: dict[str, Any], types: TypeRegistry | None = None) -> Rule:
    rule_id = str(item.get("id", "?"))
    types = types if types is not None else builtin_registry()

    def fail(field: str, problem: str) -> RuleError:
        return RuleError(name, problem, rule_id, field)

    recognizer = None
    if "recognizer" in item:
        try:
            recognizer = (item["recognizer"], recognizers.get(item["recognizer"]))
        except KeyError:
            known = ", ".join(sorted(recognizers.REGISTRY))
            raise fail("recognizer", f"unknown recognizer '{item['recognizer']}' "
                                     f"(known: {known})") from None
    elif "pattern" not in item:
        raise fail("pattern", "is required (or a recognizer)")

    def named(field: str, ref: str) -> tuple[Reason, validators.Validator]:
        try:
            return validators.reason(ref), validators.get(ref)
        except KeyError:
            known = ", ".join(sorted(validators.REGISTRY))
            raise fail(field, f"unknown validator '{ref}' (known: {known})") from None

    def filter_list(field: str) -> tuple[tuple[str, filters.Filter], ...]:
        out = []
        for spec in item.get(field, ()):
            try:
                out.append(filters.get(spec))
            except (KeyError, ValueError, AttributeError):
                raise fail(field, f"unknown filter {spec!r} (known: "
                                  f"{', '.join(filters.known())})") from None
        return tuple(out)

    def column_kinds(names: list[str]) -> frozenset[str]:
        kinds: set[str] = set()
        for group in names:
            if group not in KIND_GROUPS:
                raise fail("exclude.columns", f"unknown group {group!r} (known: "
                                              f"{', '.join(KIND_GROUPS)})")
            kinds |= KIND_GROUPS[group]
        return frozenset(kinds)

    context = item.get("context") or {}
    exclude = item.get("exclude") or {}
    prefilter = item.get("prefilter") or {}
    examples = item.get("examples") or {}
    rtype = item["type"]
    if rtype not in types:
        raise fail("type", f"unknown type '{rtype}': use a built-in type (piiscan rules "
                           "list) or declare it under 'types:' (docs/rules.md)")
    try:
        category = Category(item.get("category", types[rtype].category.value))
        severity = Level.parse(item["severity"])
        confidence = Level.parse(item.get("confidence", "medium"))
        ctx_conf = Level.parse(context.get("confidence", "high"))
    except (KeyError, ValueError) as exc:
        raise fail("category/severity/confidence", f"invalid value {exc}") from None
    return Rule(
        id=rule_id,
        name=item["name"],
        type=rtype,
        category=category,
        severity=severity,
        confidence=confidence,
        pattern_source=item.get("pattern") if recognizer is None else None,
        ignorecase=bool(item.get("ignorecase")),
        recognizer=recognizer,
        source=name,
        description=item.get("description", ""),
        prefilter_digits=int(prefilter.get("digits") or 0),
        prefilter_any=tuple(prefilter.get("any", ())),
        validator=named("validator", item["validator"]) if item.get("validator") else None,
        boosts=tuple(named("boost", b) for b in item.get("boost", ())),
        unless=filter_list("unless"),
        only_if=filter_list("only_if"),
        mask=item.get("mask", types[rtype].mask),
        context_keywords=keyword_list(tuple(context.get("keywords", ()))),
        context_headers=tuple(context.get("headers", ())),
        context_window=int(context.get("window", 30)),
        context_confidence=ctx_conf,
        context_required=bool(context.get("required", False)),
        exclude_keywords=keyword_list(tuple(exclude.get("keywords", ()))),
        exclude_window=int(exclude.get("window", 30)),
        exclude_action=exclude.get("action", "reject"),
        exclude_values=frozenset(canonical(rtype, v) for v in exclude.get("values", ())),
        exclude_columns=column_kinds(exclude.get("columns", ())),
        test_values=frozenset(canonical(rtype, v) for v in item.get("test_values", ())),
        match_examples=tuple(Example.parse(e) for e in examples.get("match", ())),
        no_match_examples=tuple(Example.parse(e) for e in examples.get("no_match", ())),
        references=tuple(item.get("references", ())),
    )
