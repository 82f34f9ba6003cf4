"""The one config writer: sets only the given keys, keeps the file's comments and order,
validates the result first and replaces the file atomically (temporary file + rename).

Calibration, the admin panel's settings page and `turnstile config set` all write through
`write_settings`, so a site's hand-edited file survives every one of them.
"""

from __future__ import annotations

import os
import stat
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table
from tomlkit.toml_document import TOMLDocument

from turnstile.config import Config, ConfigError, from_dict
from turnstile.configmeta import leaf

#: Mode of a config file the writer creates: it may hold a door's URL and the panel's rules.
NEW_FILE_MODE = 0o600


def parse_value(key: str, text: str) -> Any:
    """A command-line VALUE typed as the schema's field `key` wants it.

    Text fields take the text as it is ("0" stays the string "0"); every other field reads it
    as a TOML value: true, 3, 0.57, [0, 0, 320, 240], ["Staff"].
    """
    item = leaf(Config, key)
    if item.kind is str:
        return text
    try:
        value = tomllib.loads(f"value = {text}")["value"]
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{key}: {text!r} is not a valid value ({exc})") from None
    # `7` for a float setting is 7.0, so the file shows the type the schema reads.
    return float(value) if item.kind is float and type(value) is int else value


def _same(old: Any, new: Any) -> bool:
    # 1 == True in Python, but not in a config file.
    return type(old) is type(new) and old == new


def _set(doc: TOMLDocument, key: str, value: Any, note: str | None) -> bool:
    """Set one dotted key in place; False when the file already says exactly that."""
    leaf(Config, key)  # an unknown key is an error before anything is touched
    *sections, name = key.split(".")
    node: Any = doc
    for section in sections:
        if section not in node:
            node[section] = tomlkit.table()
        node = node[section]
        if not isinstance(node, Table | dict):
            raise ConfigError(f"{section} in the config file is not a table")
    plain = list(value) if isinstance(value, tuple) else value
    current = node.get(name)
    if note is None and current is not None and _same(_unwrap(current), plain):
        return False
    last = _last_key(node) if current is None and isinstance(node, Table) else None
    if last is not None and last + 1 < len(node.value.body):
        # Appended at the table's end, a new key would land after comments that introduce
        # the next table; placed after the table's last key it stays with its own table.
        node.value._insert_at(last + 1, name, tomlkit.item(plain))
    else:
        node[name] = plain  # tomlkit keeps the line's inline comment and spacing
    if note is not None:
        node[name].comment(note)
    return True


def _last_key(table: Table) -> int | None:
    """Index in the table's body of its last key (comments and blank lines follow it)."""
    keys = [i for i, (key, _) in enumerate(table.value.body) if key is not None]
    return keys[-1] if keys else None


def _unwrap(value: Any) -> Any:
    return value.unwrap() if hasattr(value, "unwrap") else value


def write_settings(path: Path, changes: Mapping[str, Any],
                   notes: Mapping[str, str] | None = None) -> Config:
    """Set `changes` ({"policy.cooldown_s": 7.5}) in the TOML file at `path`.

    Keys the file does not mention are added to their table (created at the end when
    missing); every other line, comment and blank stays as it was. `notes` puts a comment at
    the end of a changed key's line. The whole result is validated before the file is
    replaced, so a refused value leaves the file untouched.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    changed = [key for key, value in changes.items()
               if _set(doc, key, value, (notes or {}).get(key))]
    config = from_dict(doc.unwrap(), source=str(path))
    if changed or not path.exists():
        _replace(path, tomlkit.dumps(doc))
    return config


def _replace(path: Path, text: str) -> None:
    """Write beside the file, flush to disk, rename over it: never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else NEW_FILE_MODE
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".new")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
