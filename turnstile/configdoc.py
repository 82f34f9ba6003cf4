"""The config reference (docs/config.md), generated from the schema and nothing else."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel

from turnstile.config import Config
from turnstile.configmeta import Leaf, leaves

HEADER = """\
# Configuration reference

Generated from the schema in `turnstile/config.py` by `turnstile config reference --out
docs/config.md`; do not edit by hand (a test fails when this file is stale).

Turnstile reads one TOML file (`--config PATH`, default: the user config folder's
`config.toml`). Every key is optional; unknown keys, wrong types and values outside the
ranges below are errors that name the key. Check a file with `turnstile config check`, change
one key with `turnstile config set KEY VALUE` (comments and order are kept).

Ranges: `[a, b]` includes both ends, `(a, b]` excludes `a`.
"""


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _allowed(item: Leaf) -> str:
    if item.choices:
        return ", ".join(f"`{c}`" for c in item.choices)
    if item.bounds is not None:
        return item.bounds.describe()
    if item.kind is bool:
        return "`true`, `false`"
    if item.kind is tuple:
        element = typing.get_args(item.info.annotation)[0]
        return "list of " + ("integers" if element is int else "strings")
    return "text"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _section(title: str, doc: str, items: list[Leaf]) -> list[str]:
    lines = [f"## {title}", "", _cell(doc).strip(), "",
             "| key | default | allowed | meaning |", "|---|---|---|---|"]
    for item in items:
        default = item.info.get_default(call_default_factory=True)
        lines.append(f"| `{item.key}` | `{_toml(default)}` | {_allowed(item)} | "
                     f"{_cell(item.doc)} |")
    return [*lines, ""]


def reference() -> str:
    """The whole reference as Markdown."""
    every = list(leaves(Config))
    parts = [HEADER, *_section("Top level", "Keys outside any table.",
                               [i for i in every if "." not in i.key])]
    for name, info in Config.model_fields.items():
        hint = info.annotation
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            parts += _section(f"[{name}]", hint.__doc__ or "",
                              [i for i in every if i.key.startswith(f"{name}.")])
    return "\n".join(parts).rstrip() + "\n"
