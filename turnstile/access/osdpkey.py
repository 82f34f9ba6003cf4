"""The OSDP secure channel base key (SCBK): read from a 0600 file, created on first start."""

from __future__ import annotations

import secrets
from pathlib import Path

from turnstile.config import ConfigError
from turnstile.store.files import create_private_secret, read_private_text

#: Bytes in a secure channel base key (AES-128).
KEY_BYTES = 16
#: The key's file name in the data folder when osdp.key_file is empty.
DEFAULT_KEY_NAME = "osdp_scbk.hex"


def key_path(key_file: str, data_dir: Path) -> Path:
    return Path(key_file).expanduser() if key_file else data_dir / DEFAULT_KEY_NAME


def load_key(path: Path, *, create: bool) -> bytes:
    """The 16-byte key in `path` (hex). With `create`, a missing file is made first: 0600,
    from the system's random source. ConfigError (never showing the key) for a file others
    may read or one that does not hold 32 hex digits."""
    if create and not path.exists():
        create_private_secret(path, secrets.token_hex(KEY_BYTES))
    if not path.exists():
        raise ConfigError(f"cannot read osdp.key_file {path}: it does not exist")
    text = read_private_text(path, "osdp.key_file")
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise ConfigError(f"osdp.key_file {path} must hold the {KEY_BYTES}-byte key as "
                          f"{KEY_BYTES * 2} hex digits")
    return key
