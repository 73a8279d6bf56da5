"""Subcommands beyond ``scan``, one module each, registered in piiscan.cli."""
