"""Everyday gallery commands: enroll, identify, verify, people, remove, check."""

from __future__ import annotations

import argparse
import difflib
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from turnstile.access.camera import probe
from turnstile.access.policy import accepted
from turnstile.admin.audit import AuditLog
from turnstile.admin.enrolment import Assessment, DuplicateFaceError, Enroller, light_warning
from turnstile.admin.people import PeopleAdmin, fits_format
from turnstile.admin.roles import cli_actor
from turnstile.cli import centralpeople
from turnstile.cli.common import (
    add_model_option,
    database_path,
    emit,
    load_config,
    open_store,
    warn,
)
from turnstile.config import Config
from turnstile.store.gallery import Gallery
from turnstile.store.records import StoreError, check_credential
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Match, Person
from turnstile.vision import models
from turnstile.vision.engine import Engine, FaceResult, similarity
from turnstile.vision.imageio import ImageError, read_image
from turnstile.vision.light import LightHint


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    enroll = subparsers.add_parser("enroll", parents=[parent], help="add a person's face(s)")
    enroll.add_argument("name", help="the person's name")
    enroll.add_argument("images", nargs="+", type=Path, metavar="IMAGE",
                        help="photos with exactly one face each")
    enroll.add_argument("--employee-id", metavar="ID", help="the person's employee id")
    enroll.add_argument("--card", type=int, metavar="NUMBER",
                        help="the person's card number for the access panel (door.kind = "
                             "osdp; it must fit osdp.card_format)")
    enroll.add_argument("--consent", action="store_true",
                        help="record that the person consented to storing their face (now)")
    enroll.add_argument("--force", action="store_true",
                        help="enrol even when the face matches someone already enrolled "
                             "(never overrides the photo quality checks)")
    add_model_option(enroll)
    enroll.set_defaults(func=run_enroll)

    identify = subparsers.add_parser("identify", parents=[parent], help="who is in a photo?")
    identify.add_argument("image", type=Path, metavar="IMAGE")
    add_model_option(identify)
    identify.set_defaults(func=run_identify)

    verify = subparsers.add_parser("verify", parents=[parent], help="same person in two photos?")
    verify.add_argument("image_a", type=Path, metavar="IMAGE_A")
    verify.add_argument("image_b", type=Path, metavar="IMAGE_B")
    add_model_option(verify)
    verify.set_defaults(func=run_verify)

    people = subparsers.add_parser("people", parents=[parent], help="list enrolled people")
    people.set_defaults(func=run_people)

    remove = subparsers.add_parser("remove", parents=[parent],
                                   help="erase a person with all templates and thumbnails")
    remove.add_argument("name", help="name (any case) or employee id")
    remove.add_argument("--yes", action="store_true", help="erase without asking first")
    remove.set_defaults(func=run_remove)

    check = subparsers.add_parser("check", parents=[parent],
                                  help="can the kiosk start? (models, database, camera, display)")
    check.add_argument("--no-camera", action="store_true", help="skip the camera check")
    check.add_argument("--no-display", action="store_true",
                       help="skip the display check (e.g. when run over SSH)")
    check.set_defaults(func=run_check)


def _people_admin(store: SQLiteStore, gallery: Gallery | None = None) -> PeopleAdmin:
    """The panel's people service, acting for the user at this terminal."""
    actor = cli_actor().name
    return PeopleAdmin(store, AuditLog(store.connection, datetime.now), actor, datetime.now,
                       gallery)


def _assess(enroller: Enroller,
            paths: list[Path]) -> tuple[list[Assessment], list[dict[str, str]]]:
    """The panel's quality gate on every photo: accepted ones, and each skipped photo with
    why; one bad photo of one is an error, since nothing would be enrolled."""
    accepted: list[Assessment] = []
    skipped: list[dict[str, str]] = []
    for path in paths:
        verdict = enroller.assess_file(path)
        if verdict.face is None and len(paths) == 1:
            raise ImageError(f"{path}: {verdict.detail}; nothing enrolled")
        if verdict.face is None:
            skipped.append({"image": str(path), "reason": verdict.detail})
            warn(f"skipped {path}: {verdict.detail}")
        else:
            accepted.append(verdict)
    if not accepted:
        raise ImageError("no usable face in any image; nothing enrolled")
    return accepted, skipped


def run_enroll(args: argparse.Namespace) -> int:
    config = load_config(args)
    fits_format(args.card, config.osdp.card_format)  # refused before anything is enrolled
    check_credential(args.card)
    engine = Engine.from_config(config, args.model)
    store = open_store(args, config)
    try:
        gallery = engine.gallery(store)
        enroller = Enroller(engine, gallery, config)
        # With [central], the changes go to the central roster and this file follows it.
        people = (centralpeople.people_admin(args, config, store, gallery)
                  if config.central.configured else _people_admin(store, gallery))
        accepted, skipped = _assess(enroller, list(args.images))
        side_lit = [a.source for a in accepted if a.face is not None
                    and light_warning(a.face, config.enrolment) is LightHint.SIDE_LIT]
        for name in side_lit:
            warn(f"{name}: lit from one side; a photo lit from the front matches better")
        existing = people.existing(args.name, args.employee_id)
        faces = [a.face.embedding for a in accepted if a.face is not None]
        duplicate = enroller.duplicate(faces, exclude=existing.id if existing else None)
        if duplicate is not None:
            found = f"the face matches {duplicate.name} (similarity {duplicate.similarity:.3f})"
            if not args.force:
                raise DuplicateFaceError(
                    f"{found}, who is already enrolled; nothing enrolled. Check the name, "
                    "or enrol anyway with --force")
            warn(f"{found}; enrolled anyway (--force)")
        templates = [a.template() for a in accepted]
        if existing is not None:  # the same person again: more templates for them
            people.add_templates(existing.id, templates)
            person = store.people.get(existing.id)
        else:
            person = people.enrol(args.name, args.employee_id, templates, consent=args.consent,
                                  duplicate_of=duplicate.person_id if duplicate else None)
        if args.card is not None:
            person = people.set_credential(person.id, args.card, config.osdp.card_format)
    finally:
        store.close()
    payload = {"name": person.name, "person_id": person.id, "enrolled": len(accepted),
               "skipped": skipped, "side_lit": side_lit}
    emit(args, payload, f"enrolled {len(accepted)} template(s) for {person.name}"
         + (f"; skipped {len(skipped)} image(s)" if skipped else ""))
    return 0 if not skipped else 1


def accepted_name(match: Match | None, config: Config) -> str | None:
    """The match's name only when the kiosk would accept it (threshold and margin)."""
    if match is None or not accepted(match, config.recognition):
        return None
    return match.name


def run_identify(args: argparse.Namespace) -> int:
    config = load_config(args)
    engine = Engine.from_config(config, args.model)
    image = read_image(args.image)
    store = open_store(args, config, create=False)
    try:
        results = engine.analyze(image, engine.gallery(store))
    finally:
        store.close()
    faces = []
    lines = []
    for result in results:
        name = accepted_name(result.match, config)
        score = result.match.similarity if result.match else -1.0
        faces.append({"box": result.face.box.as_list(), "name": name,
                      "similarity": round(score, 4)})
        lines.append(f"{result.face.box.as_list()}  {name or 'unknown'}  ({score:.3f})")
    emit(args, {"faces": faces}, "\n".join(lines) if lines else "no face found")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    config = load_config(args)
    engine = Engine.from_config(config, args.model)
    a = _single_largest(engine, args.image_a)
    b = _single_largest(engine, args.image_b)
    score = similarity(a.embedding, b.embedding)
    threshold = config.recognition.threshold
    same = score >= threshold
    emit(args, {"similarity": round(score, 4), "same": same, "threshold": threshold},
         f"{'same person' if same else 'different people'}: similarity {score:.3f} "
         f"(threshold {threshold:.3f})")
    return 0


def _single_largest(engine: Engine, path: Path) -> FaceResult:
    result = engine.embed_largest(read_image(path))
    if result is None:
        raise ImageError(f"{path}: no face found")
    return result


def run_people(args: argparse.Namespace) -> int:
    config = load_config(args)
    if config.central.configured:
        return centralpeople.people(args, config)
    store = open_store(args, config, create=False)
    try:
        people = store.people.all()
        groups = store.groups.memberships()
    finally:
        store.close()
    rows = [{"id": p.id, "name": p.name, "employee_id": p.employee_id, "templates": p.templates,
             "active": p.active, "created": p.created.isoformat(),
             "groups": list(groups.get(p.id, ())), "card": p.credential} for p in people]
    text = "\n".join(f"{p.name:30} {p.employee_id or '-':12} {p.templates:3} template(s)"
                     f"{'' if p.active else '  (inactive)'}" for p in people)
    emit(args, {"people": rows}, text or "no one is enrolled")
    return 0


def one_person(store: SQLiteStore, name: str) -> Person:
    """The one person `name` means (name in any case, or employee id), else a clear error
    with the enrolled names it might have meant."""
    matches = store.people.find(name)
    if len(matches) > 1:
        ids = ", ".join(str(p.employee_id or p.id) for p in matches)
        raise StoreError(f"{len(matches)} people are named {name!r} ({ids}); "
                         "name them by employee id")
    if not matches:
        names = {p.name.casefold(): p.name for p in store.people.all()}
        close = [names[n] for n in difflib.get_close_matches(name.casefold(), list(names))]
        hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
        raise StoreError(f"no one named {name!r} is enrolled{hint}")
    return matches[0]


def _confirmed(person: Person, yes: bool) -> bool:
    """--yes, or the operator's "y" at the terminal; never silently without either."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise StoreError(f"remove erases {person.name} for good and asks first; "
                         "add --yes to erase without asking")
    label = f"{person.name} ({person.employee_id})" if person.employee_id else person.name
    answer = input(f"Erase {label} with {person.templates} template(s)? "
                   "This cannot be undone. [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def run_remove(args: argparse.Namespace) -> int:
    config = load_config(args)
    if config.central.configured:
        return centralpeople.remove(args, config)
    store = open_store(args, config, create=False)
    try:
        person = one_person(store, args.name)
        if not _confirmed(person, args.yes):
            emit(args, {"removed": None}, "nothing erased")
            return 1
        # The same GDPR erasure as the admin panel: past events lose the name, the audit log
        # records who erased whom (by number).
        _people_admin(store).delete(person.id)
    finally:
        store.close()
    emit(args, {"removed": person.name, "person_id": person.id},
         f"removed {person.name} with all templates")
    return 0


def run_check(args: argparse.Namespace) -> int:
    config = load_config(args)
    checks: dict[str, str] = {}
    problems = models.verify(config.models.models_dir())
    checks["models"] = "ok" if not problems else "; ".join(problems)
    try:
        # Opening creates or migrates the file as the kiosk would (the installer relies on
        # it): `check` prepares the kiosk, it is not a read-only listing.
        open_store(args, config).close()
        checks["database"] = f"ok ({database_path(args, config)})"
    except Exception as exc:  # report every failure, exit code tells the kiosk's fate
        checks["database"] = str(exc)
    if not args.no_camera:
        checks["camera"] = probe(config.camera.source, config.camera) or "ok"
    if not args.no_display:
        checks["display"] = _check_display()
    ok = all(value.startswith("ok") for value in checks.values())
    emit(args, {"ok": ok, "checks": checks},
         "\n".join(f"{name:9} {value}" for name, value in checks.items()))
    return 0 if ok else 1


def _check_display() -> str:
    """Whether Qt can open the kiosk's display, tried in a child process (see gui/display)."""
    if getattr(sys, "frozen", False):
        return "ok (not checked in the one-folder application; the kiosk shows it)"
    try:
        child = subprocess.run([sys.executable, "-m", "turnstile.gui.display"],
                               capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return "Qt did not open the display within 30 s"
    if child.returncode == 0:
        return f"ok ({child.stdout.strip()})"
    # Qt's first line names the cause ("could not connect to display"); the rest is advice.
    said = [line for line in child.stderr.splitlines() if line.strip()]
    reason = said[0] if said else f"exit code {child.returncode}"
    return f"Qt cannot open the display: {reason}"

