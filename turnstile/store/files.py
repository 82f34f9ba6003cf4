"""Files of the store: private from their first byte, and upgrade backups that expire."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import datetime, timedelta
from pathlib import Path

from turnstile.configmeta import ConfigError

#: Upgrade backups older than this are deleted when the database is opened: they exist to go
#: back after a failed upgrade, and each one is another copy of everyone's biometrics.
BACKUP_KEEP = timedelta(days=30)
#: Files (database, WAL, shared memory, backups) and folders the code creates are private.
FILE_MODE, FOLDER_MODE = 0o600, 0o700


def make_private_folder(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700, whatever the umask; existing
    folders are left as they are (they may be shared ones such as the home folder)."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            continue  # another process made it a moment ago
        os.chmod(path, FOLDER_MODE)  # mkdir's mode is masked by the umask


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 unless it exists (SQLite gives its WAL and
    shared-memory files the mode of the database file, so they follow)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits away; 0600 exactly
    finally:
        os.close(fd)


def backups_of(path: Path) -> list[Path]:
    """The upgrade backups beside a database file, oldest first."""
    return sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))


def backup(path: Path) -> Path:
    """Copy the database beside itself with a timestamp (before an upgrade migrates it)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{stamp}{path.suffix}")
    # The copy holds the same biometric templates: private from its first byte.
    create_private_file(target)
    source = sqlite3.connect(path)
    try:
        with sqlite3.connect(target) as dest:
            source.backup(dest)
    finally:
        source.close()
    return target


def expire_backups(path: Path, now: datetime, keep: timedelta = BACKUP_KEEP) -> list[Path]:
    """Delete upgrade backups older than `keep`; returns those deleted."""
    expired = [b for b in backups_of(path)
               if now - datetime.fromtimestamp(b.stat().st_mtime) > keep]
    for old in expired:
        old.unlink(missing_ok=True)
    return expired


def read_private_text(path: Path, what: str,
                      error: type[Exception] = ConfigError) -> str:
    """The stripped text of a secret file only its owner may read. `what` names the setting
    in messages (which never show the content); `error` is the caller's error class."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist") from None
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from None
    if os.name == "posix" and stat.S_IMODE(mode) & 0o077:
        raise error(f"{what} {path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
                    f"it holds a secret: chmod 600 {path}")
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not text"
        raise error(f"cannot read {what} {path}: {reason}") from None
    if not text:
        raise error(f"{what} {path} is empty")
    return text


def create_private_secret(path: Path, text: str) -> None:
    """Write `text` into `path`, made 0600 in a 0700 folder, unless the file already holds
    something (another process may have made it a moment ago)."""
    make_private_folder(path.parent)
    create_private_file(path)
    if path.stat().st_size == 0:
        path.write_text(text + "\n", encoding="utf-8")
