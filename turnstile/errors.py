"""The project's own error type: what the command line reports in one line.

Every error class the package raises for bad input or a bad environment (a config key out of
range, an unreadable image, a missing model, a locked account...) derives from TurnstileError.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class TurnstileError(Exception):
    """Bad input or environment that the user can correct; the message says how."""


class UsageError(TurnstileError, ValueError):
    """A command's arguments or inputs cannot be used as given."""
