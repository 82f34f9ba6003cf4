"""Who may do what: roles, permissions, the acting user, and the one check the core calls."""

from __future__ import annotations

import enum
import os
import sys
from dataclasses import dataclass
from typing import Protocol

from turnstile.errors import TurnstileError


class Role(enum.Enum):
    """Administrators do everything; operators enrol and edit people and read events."""

    ADMINISTRATOR = "administrator"
    OPERATOR = "operator"

    @property
    def manages_settings(self) -> bool:
        return self.allows(Permission.MANAGE_SETTINGS)

    def allows(self, permission: Permission) -> bool:
        return self is Role.ADMINISTRATOR or permission in OPERATOR_PERMISSIONS


class Permission(enum.Enum):
    """Each thing the core refuses to someone whose role does not allow it."""

    MANAGE_PEOPLE = "manage people"
    READ_EVENTS = "read events"
    EXPORT_EVENTS = "export events"
    MANAGE_SETTINGS = "change settings"
    MANAGE_ACCOUNTS = "manage accounts"
    READ_AUDIT = "read the audit log"
    QUIT_KIOSK = "quit the kiosk"
    ISSUE_PASSES = "issue and revoke visitor passes"


#: What an operator may do; an administrator may do everything.
OPERATOR_PERMISSIONS = frozenset(
    {Permission.MANAGE_PEOPLE, Permission.READ_EVENTS, Permission.EXPORT_EVENTS,
     Permission.ISSUE_PASSES})


class Actor(Protocol):
    """Whoever acts: a signed-in panel account or the PC's own user at the command line."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> Role: ...


class PermissionDeniedError(TurnstileError):
    """The actor's role does not allow the call; the message is safe to show."""


def require(actor: Actor | None, permission: Permission) -> None:
    """Refuse (PermissionDeniedError) unless `actor` may do `permission`."""
    if actor is None or not actor.role.allows(permission):
        who = "nobody signed in" if actor is None else f"{actor.name} ({actor.role.value})"
        raise PermissionDeniedError(f"{who} may not {permission.value}; an administrator may")


@dataclass(frozen=True)
class SystemUser:
    """The operating-system account running a command (`cli:NAME`).

    Whoever runs the CLI as the kiosk account can read and write the database file directly,
    so refusing them anything would protect nothing: they act as an administrator.
    """

    name: str
    role: Role = Role.ADMINISTRATOR


def os_user_name() -> str:
    """The account the process runs as, from the OS (never from $USER, which anyone sets)."""
    if sys.platform == "win32":
        import ctypes

        size = ctypes.c_ulong(257)
        buffer = ctypes.create_unicode_buffer(size.value)
        if ctypes.windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):
            return str(buffer.value)
        return f"sid-unknown-{os.getpid()}"
    import pwd

    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:  # a uid without a passwd entry (containers): the number is the name
        return f"uid{uid}"


def cli_actor() -> SystemUser:
    """The actor for a command-line change: the OS account, as the audit log names it."""
    return SystemUser(f"cli:{os_user_name()}")
