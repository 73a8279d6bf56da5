"""Subcommands that live in a module of their own, each registered in cli.py with one
``main.add_command`` line: ``git``, ``quarantine``, ``triage``. ``common`` holds what they
and cli.py share (the --state and --config options, opening the state, the one-line error
exit)."""
