"""The YAML rule engine: schema, loader, engine and the examples self-test."""
