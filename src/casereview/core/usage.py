"""The command line's one refusal, shared by every subcommand (pure: no Django)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad usage, an unreadable file or a bad value: exit 2 with this one-line message."""
