"""The README and the other Markdown docs: every command is documented, every table renders."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from turnstile.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
#: An unescaped pipe: a table cell border (`\|` is a literal pipe inside a cell).
BORDER = re.compile(r"(?<!\\)\|")
SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def commands(parser: argparse.ArgumentParser, prefix: str = "turnstile") -> list[str]:
    """Every command line, subcommands of command groups included ("turnstile eval lfw").

    argparse has no public way to list subcommands; its private fields are stable since 3.2.
    """
    found = []
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix} {name}")
                found.extend(commands(sub, f"{prefix} {name}"))
    return found


def tables(text: str) -> list[list[str]]:
    """Runs of consecutive lines that start with a pipe (outside code fences)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("|"):
            current.append(line)
            continue
        if current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def table_problems(text: str) -> list[str]:
    problems = []
    for block in tables(text):
        head = block[0]
        if len(block) < 2 or not SEPARATOR.match(block[1]):
            # A table's rows after a blank line form a block without a header: raw text.
            problems.append(f"no header separator under {head[:60]!r}")
            continue
        width = len(BORDER.findall(head))
        problems += [f"{len(BORDER.findall(row)) - 1} cells, header has {width - 1}: "
                     f"{row[:60]!r}" for row in block[1:] if len(BORDER.findall(row)) != width]
    return problems


def docs() -> list[Path]:
    found = [README, *sorted(ROOT.glob("*/README.md")), *sorted(ROOT.glob("docs/**/*.md")),
             *sorted(ROOT.glob("packaging/*/README.md"))]
    return [p for p in found if p.exists()]


def documented(text: str) -> set[str]:
    """Command lines in code spans, alternatives expanded: `turnstile accounts list|create`
    (or `list\\|create` inside a table) documents both subcommands."""
    found: set[str] = set()
    for span in re.findall(r"`(turnstile [^`]+)`", text):
        words = span.replace("\\|", "|").split()
        # `config show|check|set KEY VALUE|reference` lists `reference` after an argument.
        seconds = {piece for word in words[2:] for piece in word.split("|")}
        for first in words[1].split("|"):
            found.add(f"turnstile {first}")
            found.update(f"turnstile {first} {second}" for second in seconds)
    return found


def test_every_command_is_in_the_readme() -> None:
    listed = commands(build_parser())
    assert len(listed) > 20
    missing = sorted(set(listed) - documented(README.read_text(encoding="utf-8")))
    assert not missing, f"not in README.md: {missing}"


def test_alternatives_count_as_documented() -> None:
    text = "| `turnstile accounts list\\|create [NAME]` | ... |"
    assert {"turnstile accounts list", "turnstile accounts create"} <= documented(text)
    assert "turnstile accounts remove" not in documented(text)


@pytest.mark.parametrize("path", docs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_tables_render(path: Path) -> None:
    problems = table_problems(path.read_text(encoding="utf-8"))
    assert not problems, f"{path.name}: " + "; ".join(problems)


def test_the_checks_catch_a_broken_table() -> None:
    broken = "| a | b |\n|---|---|\n| 1 | 2 |\n\n| 3 | 4 |\n| 5 | 6 | 7 |\n"
    assert len(table_problems(broken)) == 1  # the orphaned rows after the blank line
    ragged = "| a | b |\n|---|---|\n| 1 \\| one | 2 |\n| 5 | 6 | 7 |\n"
    assert table_problems(ragged) == ["3 cells, header has 2: '| 5 | 6 | 7 |'"]


def test_images_the_readme_shows_exist() -> None:
    for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README.read_text(encoding="utf-8")):
        assert (ROOT / target).is_file(), target
