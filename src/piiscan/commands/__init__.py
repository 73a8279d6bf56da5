"""Subcommands that live in a module of their own, each a click command or group that
``piiscan.cli`` registers with one ``main.add_command`` line: ``edm``, ``git``,
``quarantine``, ``subject``, ``triage``. ``common`` holds what they and cli.py share (the
--state and --config options, opening the state, the one-line error exit). Heavy imports
stay inside the command functions, so ``piiscan --version`` and a pre-commit run start
fast."""
