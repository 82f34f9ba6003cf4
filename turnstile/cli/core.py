"""Everyday gallery commands: enroll, identify, verify, people, remove, check."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from turnstile.admin.audit import AuditAction, AuditLog
from turnstile.admin.people import PeopleAdmin
from turnstile.admin.roles import cli_actor
from turnstile.cli.common import (
    add_model_option,
    database_path,
    emit,
    load_config,
    open_connection,
    warn,
)
from turnstile.config import Config
from turnstile.redact import camera_label
from turnstile.store.gallery import Gallery, GalleryError, NewTemplate
from turnstile.store.groups import GroupStore
from turnstile.types import Match
from turnstile.vision import cvlog, models
from turnstile.vision.engine import Engine, FaceResult, similarity, thumbnail_jpeg
from turnstile.vision.imageio import ImageError, read_image


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    enroll = subparsers.add_parser("enroll", parents=[parent], help="add a person's face(s)")
    enroll.add_argument("name", help="the person's name")
    enroll.add_argument("images", nargs="+", type=Path, metavar="IMAGE",
                        help="photos with exactly one face each")
    enroll.add_argument("--employee-id", metavar="ID", help="the person's employee id")
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
    add_model_option(people)
    people.set_defaults(func=run_people)

    remove = subparsers.add_parser("remove", parents=[parent],
                                   help="erase a person with all templates and thumbnails")
    remove.add_argument("name", help="name or employee id")
    add_model_option(remove)
    remove.set_defaults(func=run_remove)

    check = subparsers.add_parser("check", parents=[parent],
                                  help="can the kiosk start? (models, database, camera)")
    check.add_argument("--no-camera", action="store_true", help="skip the camera check")
    check.set_defaults(func=run_check)


def _single_face(engine: Engine, path: Path) -> FaceResult:
    faces = engine.analyze(read_image(path))
    if not faces:
        raise ImageError(f"{path}: no face found")
    if len(faces) > 1:
        raise ImageError(f"{path}: {len(faces)} faces found, need exactly one")
    return faces[0]


def run_enroll(args: argparse.Namespace) -> int:
    config = load_config(args)
    engine = Engine.from_config(config, args.model)
    results: list[tuple[Path, FaceResult]] = []
    skipped: list[dict[str, str]] = []
    for path in args.images:
        try:
            results.append((path, _single_face(engine, path)))
        except ImageError as exc:
            if len(args.images) == 1:
                raise ImageError(f"{exc}; nothing enrolled") from exc
            skipped.append({"image": str(path), "reason": str(exc)})
            warn(f"skipped {exc}")
    if not results:
        raise ImageError("no usable face in any image; nothing enrolled")
    conn = open_connection(args, config)
    templates = [NewTemplate(r.embedding, path.name, r.quality.sharpness,
                             thumbnail_jpeg(r.aligned)) for path, r in results]
    try:
        person = engine.gallery(conn).enroll(args.name, args.employee_id, templates)
        # Every change from every front end is audited; the entry names the person by
        # number only, so an erasure leaves no name behind in it.
        AuditLog(conn, datetime.now).record(cli_actor().name, AuditAction.ENROL,
                                            f"person #{person.id}",
                                            {"templates": len(templates), "via": "enroll"})
    finally:
        conn.close()
    payload = {"name": person.name, "person_id": person.id, "enrolled": len(results),
               "skipped": skipped}
    emit(args, payload, f"enrolled {len(results)} template(s) for {person.name}"
         + (f"; skipped {len(skipped)} image(s)" if skipped else ""))
    return 0 if not skipped else 1


def accepted_name(match: Match | None, config: Config) -> str | None:
    """The match's name only when it clears both the threshold and the margin."""
    rec = config.recognition
    if match is None or match.name is None:
        return None
    if match.similarity >= rec.threshold and match.margin >= rec.margin:
        return match.name
    return None


def run_identify(args: argparse.Namespace) -> int:
    config = load_config(args)
    engine = Engine.from_config(config, args.model)
    image = read_image(args.image)
    conn = open_connection(args, config)
    results = engine.analyze(image, engine.gallery(conn))
    conn.close()
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
    conn = open_connection(args, config)
    people = Gallery(conn, "", 0).people()
    groups = GroupStore(conn).all_memberships()
    conn.close()
    rows = [{"id": p.id, "name": p.name, "employee_id": p.employee_id, "templates": p.templates,
             "active": p.active, "created": p.created.isoformat(),
             "groups": list(groups.get(p.id, ()))} for p in people]
    text = "\n".join(f"{p.name:30} {p.employee_id or '-':12} {p.templates:3} template(s)"
                     f"{'' if p.active else '  (inactive)'}" for p in people)
    emit(args, {"people": rows}, text or "no one is enrolled")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    config = load_config(args)
    conn = open_connection(args, config)
    gallery = Gallery(conn, "", 0)
    matches = gallery.find(args.name)
    if not matches:
        raise GalleryError(f"no one named {args.name!r} is enrolled")
    if len(matches) > 1:
        ids = ", ".join(str(p.employee_id or p.id) for p in matches)
        raise GalleryError(f"{len(matches)} people are named {args.name!r} ({ids}); "
                           "remove by employee id")
    # The same GDPR erasure as the admin panel: past events lose the name, the audit log
    # records who erased whom (by number).
    actor = cli_actor().name
    PeopleAdmin(gallery, AuditLog(conn, datetime.now), actor, datetime.now).delete(matches[0].id)
    conn.close()
    emit(args, {"removed": matches[0].name, "person_id": matches[0].id},
         f"removed {matches[0].name} with all templates")
    return 0


def run_check(args: argparse.Namespace) -> int:
    config = load_config(args)
    checks: dict[str, str] = {}
    problems = models.verify(config.models.models_dir())
    checks["models"] = "ok" if not problems else "; ".join(problems)
    try:
        conn = open_connection(args, config)
        conn.close()
        checks["database"] = f"ok ({database_path(args, config)})"
    except Exception as exc:  # report every failure, exit code tells the kiosk's fate
        checks["database"] = str(exc)
    if not args.no_camera:
        checks["camera"] = _check_camera(config.camera.source)
    ok = all(value.startswith("ok") for value in checks.values())
    emit(args, {"ok": ok, "checks": checks},
         "\n".join(f"{name:9} {value}" for name, value in checks.items()))
    return 0 if ok else 1


def _check_camera(source: str) -> str:
    import cv2

    # OpenCV prints several backend errors for a missing camera; the check says it once.
    with cvlog.silenced():
        capture = cv2.VideoCapture(int(source) if source.isdigit() else source)
    try:
        label = camera_label(source)  # never the stream's password on the terminal
        if not capture.isOpened():
            return f"cannot open camera source {label!r}"
        ok, _ = capture.read()
        return "ok" if ok else f"camera source {label!r} opened but gave no frame"
    finally:
        capture.release()
