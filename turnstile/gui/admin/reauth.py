"""Re-authentication before erase, export and settings changes: the password once more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from turnstile.admin.accounts import Accounts, AuthError, User


@dataclass(frozen=True)
class Confirmation:
    """Whether the signed-in user confirmed a step, and why not when they did not."""

    ok: bool
    reason: str = ""


#: What pages call before a sensitive step: confirm("erase Ada Lovelace").
Confirm = Callable[[str], Confirmation]


def ask_in_dialog(parent: QWidget) -> Callable[[str], str | None]:
    """Asks for the password in a small modal dialog; None when cancelled."""
    def ask(purpose: str) -> str | None:
        text, ok = QInputDialog.getText(parent, "Confirm with your password",
                                        f"Type your password to {purpose}:",
                                        QLineEdit.EchoMode.Password)
        return text if ok else None
    return ask


class Reauthenticator:
    """A sensitive step goes ahead only after the signed-in user types their password again
    (someone finding the panel unlocked cannot erase, export or reconfigure)."""

    def __init__(self, accounts: Accounts, user: User,
                 ask: Callable[[str], str | None]) -> None:
        self._accounts, self._user, self._ask = accounts, user, ask

    def __call__(self, purpose: str) -> Confirmation:
        password = self._ask(purpose)
        if password is None:
            return Confirmation(False, f"not confirmed: {purpose} cancelled")
        try:
            self._accounts.confirm(self._user, password, purpose)
        except AuthError as exc:
            return Confirmation(False, f"not confirmed: {exc}")
        return Confirmation(True)
