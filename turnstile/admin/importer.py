"""Bulk import: a folder with one sub-folder per person, or a CSV of name,employee_id,path
(and optionally card, the card number for the access panel)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from turnstile.admin.enrolment import Assessment, Enroller, Rejection
from turnstile.admin.people import PeopleAdmin, fits_format
from turnstile.errors import TurnstileError
from turnstile.store.records import StoreError, check_credential

#: Files taken from a person's folder (others are skipped without comment).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm")
CSV_COLUMNS = ("name", "employee_id", "image_path")
#: An optional CSV column: the person's card number for the access panel (door.kind = osdp).
CARD_COLUMN = "card"


class ImportPlanError(TurnstileError, ValueError):
    """The folder or CSV cannot be read as an import; nothing was enrolled."""


@dataclass(frozen=True)
class ImportItem:
    """One photo to enrol for one person."""

    name: str
    employee_id: str | None
    path: Path
    #: The person's card number (CSV column "card"; None: leave it as it is).
    card: int | None = None


@dataclass(frozen=True)
class Rejected:
    """A photo left out, with the reason an operator can act on."""

    path: Path
    name: str
    reason: Rejection
    detail: str


@dataclass(frozen=True)
class ImportReport:
    """What an import did: templates enrolled per person and every rejected photo."""

    enrolled: dict[str, int]
    rejected: list[Rejected]
    photos: int

    @property
    def accepted(self) -> int:
        return sum(self.enrolled.values())


def plan_folder(root: Path) -> list[ImportItem]:
    """One sub-folder per person, named after them; their photos inside."""
    if not root.is_dir():
        raise ImportPlanError(f"{root} is not a folder")
    items = [ImportItem(folder.name.replace("_", " ").strip(), None, photo)
             for folder in sorted(p for p in root.iterdir() if p.is_dir())
             for photo in sorted(folder.iterdir())
             if photo.is_file() and photo.suffix.lower() in IMAGE_SUFFIXES]
    if not items:
        raise ImportPlanError(f"{root} holds no sub-folder with photos (one folder per person)")
    return items


def _card(text: str | None, where: str, card_format: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise ImportPlanError(f"{where}: card {text!r} is not a whole number")
    try:
        fits_format(int(text), card_format)
        check_credential(int(text))
    except StoreError as exc:
        raise ImportPlanError(f"{where}: {exc}") from None
    return int(text)


def plan_csv(path: Path, card_format: str | None = None) -> list[ImportItem]:
    """Rows of name,employee_id,image_path[,card]; relative paths are relative to the CSV
    file; card numbers are checked against `card_format` (osdp.card_format) when given."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportPlanError(f"{path}: missing column(s) {', '.join(missing)}; "
                                      f"expected a header {','.join(CSV_COLUMNS)}")
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportPlanError(f"{path}: cannot read ({exc})") from exc
    items = []
    for line, row in enumerate(rows, start=2):
        name, image = (row["name"] or "").strip(), (row["image_path"] or "").strip()
        if not name or not image:
            raise ImportPlanError(f"{path}, line {line}: name and image_path are required")
        image_path = Path(image).expanduser()
        if not image_path.is_absolute():
            image_path = path.parent / image_path
        card = _card(row.get(CARD_COLUMN), f"{path}, line {line}", card_format)
        items.append(ImportItem(name, (row["employee_id"] or "").strip() or None, image_path,
                                card))
    if not items:
        raise ImportPlanError(f"{path} has no rows")
    return items


def plan(source: Path, card_format: str | None = None) -> list[ImportItem]:
    return plan_csv(source, card_format) if source.suffix.lower() == ".csv" \
        else plan_folder(source)


def _groups(items: Sequence[ImportItem]) -> dict[tuple[str, str | None], list[ImportItem]]:
    groups: dict[tuple[str, str | None], list[ImportItem]] = {}
    for item in items:
        groups.setdefault((item.name, item.employee_id), []).append(item)
    return groups


class Importer:
    """Assesses every photo, rejects duplicates of other people and enrols the rest."""

    def __init__(self, enroller: Enroller, people: PeopleAdmin, consent: bool = False) -> None:
        self._enroller = enroller
        self._people = people
        #: The operator confirmed that everyone in the import consented.
        self._consent = consent

    def run(self, items: Sequence[ImportItem],
            progress: Callable[[int, int], None] | None = None) -> ImportReport:
        """Import everything; `progress(done, total)` is called after each photo."""
        enrolled: dict[str, int] = {}
        rejected: list[Rejected] = []
        done = 0
        for (name, employee_id), group in _groups(items).items():
            accepted: list[tuple[ImportItem, Assessment]] = []
            for item in group:
                verdict = self._enroller.assess_file(item.path)
                if verdict.face is None:
                    rejected.append(Rejected(item.path, name, verdict.rejection
                                             or Rejection.UNREADABLE, verdict.detail))
                else:
                    accepted.append((item, verdict))
                done += 1
                if progress:
                    progress(done, len(items))
            existing = self._existing(name, employee_id)
            kept = self._drop_duplicates(accepted, existing, rejected)
            if kept and self._save(name, employee_id, existing, kept, rejected, group):
                enrolled[name] = enrolled.get(name, 0) + len(kept)
        return ImportReport(enrolled, rejected, len(items))

    def _existing(self, name: str, employee_id: str | None) -> int | None:
        person = self._people.existing(name, employee_id)
        return person.id if person else None

    def _drop_duplicates(self, accepted: list[tuple[ImportItem, Assessment]],
                         existing: int | None,
                         rejected: list[Rejected]) -> list[tuple[ImportItem, Assessment]]:
        kept = []
        for item, verdict in accepted:
            assert verdict.face is not None
            other = self._enroller.duplicate([verdict.face.embedding], exclude=existing)
            if other is None:
                kept.append((item, verdict))
            else:
                rejected.append(Rejected(item.path, item.name, Rejection.DUPLICATE,
                                         f"duplicate of {other.name} ({other.similarity:.2f})"))
        return kept

    def _save(self, name: str, employee_id: str | None, existing: int | None,
              kept: list[tuple[ImportItem, Assessment]], rejected: list[Rejected],
              group: Sequence[ImportItem]) -> bool:
        templates = [verdict.template() for _, verdict in kept]
        try:
            if existing is None:
                existing = self._people.enrol(name, employee_id, templates,
                                              consent=self._consent).id
            else:
                self._people.add_templates(existing, templates)
        except StoreError as exc:
            rejected.extend(Rejected(item.path, name, Rejection.NOT_SAVED, str(exc))
                            for item, _ in kept)
            return False
        card = next((item.card for item in group if item.card is not None), None)
        if card is not None:
            try:
                self._people.set_credential(existing, card)
            except StoreError as exc:  # the faces are in; only the number is not
                rejected.append(Rejected(group[0].path, name, Rejection.NOT_SAVED,
                                         f"enrolled, but the card number was not set: {exc}"))
        return True
