"""Gallery: people, templates, 1:N matching with runner-up, reloads and model mismatch."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from turnstile.store import database as storage
from turnstile.store.gallery import Gallery, GalleryError
from turnstile.store.records import NewTemplate


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, np.float32)
    return np.asarray(vector / np.linalg.norm(vector), np.float32)


@pytest.fixture
def gallery(conn: sqlite3.Connection) -> Gallery:
    return Gallery(conn, "test-model", 3)


def test_empty_gallery_matches_no_one(gallery: Gallery) -> None:
    match = gallery.match(unit(1, 0, 0))
    assert match.person_id is None and match.name is None


def test_best_person_and_runner_up(gallery: Gallery) -> None:
    ada = gallery.enroll("Ada", "E1", [NewTemplate(unit(1, 0, 0)), NewTemplate(unit(1, 0.2, 0))])
    gallery.enroll("Bob", "E2", [NewTemplate(unit(0, 1, 0))])
    match = gallery.match(unit(1, 0.1, 0))
    assert match.name == "Ada" and match.person_id == ada.id
    # The runner-up is the best *other* person, not Ada's second template.
    assert match.runner_up == pytest.approx(float(unit(0, 1, 0) @ unit(1, 0.1, 0)))
    assert match.margin > 0.5


def test_single_person_has_no_runner_up(gallery: Gallery) -> None:
    gallery.enroll("Ada", None, [NewTemplate(unit(1, 0, 0))] * 3)
    assert gallery.match(unit(1, 0, 0)).runner_up == -1.0


def test_runner_up_found_beyond_the_top_rows(gallery: Gallery) -> None:
    gallery.enroll("Ada", None, [NewTemplate(unit(1, 0.01 * i, 0)) for i in range(40)])
    gallery.enroll("Bob", None, [NewTemplate(unit(0, 0, 1))])
    match = gallery.match(unit(1, 0, 0))
    assert match.name == "Ada" and match.runner_up == pytest.approx(0.0, abs=1e-6)


def test_enrol_adds_to_an_existing_person(gallery: Gallery) -> None:
    first = gallery.enroll("Ada", "E1", [NewTemplate(unit(1, 0, 0))])
    again = gallery.enroll("Ada", None, [NewTemplate(unit(1, 0.1, 0))])
    assert again.id == first.id and again.templates == 2


def test_remove_person_erases_templates_and_thumbnails(gallery: Gallery) -> None:
    ada = gallery.enroll("Ada", None, [NewTemplate(unit(1, 0, 0), thumbnail=b"jpeg")])
    assert gallery.thumbnail(ada.id) == b"jpeg"
    gallery.remove_person(ada.id)
    rows = gallery.connection.execute("SELECT COUNT(*) FROM templates").fetchone()[0]
    assert rows == 0 and gallery.people() == [] and gallery.match(unit(1, 0, 0)).name is None


def test_bad_embeddings_are_refused(gallery: Gallery) -> None:
    ada = gallery.add_person("Ada")
    with pytest.raises(GalleryError, match="has 4 values"):
        gallery.add_template(ada.id, np.ones(4, np.float32))
    with pytest.raises(GalleryError, match="NaN"):
        gallery.add_template(ada.id, np.array([np.nan, 0, 0], np.float32))
    with pytest.raises(GalleryError, match="no person"):
        gallery.add_template(999, unit(1, 0, 0))
    with pytest.raises(GalleryError, match="needs a name"):
        gallery.add_person("  ")


def test_duplicate_employee_id_is_refused_and_nothing_lost(gallery: Gallery) -> None:
    gallery.enroll("Ada", "E1", [NewTemplate(unit(1, 0, 0))])
    with pytest.raises(GalleryError, match="E1 is already enrolled"):
        gallery.enroll("Eve", "E1", [NewTemplate(unit(0, 1, 0))])
    assert [p.name for p in gallery.people()] == ["Ada"]
    assert gallery.size == 1


def test_other_model_templates_are_refused(conn: sqlite3.Connection) -> None:
    Gallery(conn, "model-a", 3).enroll("Ada", None, [NewTemplate(unit(1, 0, 0))])
    with pytest.raises(GalleryError, match="another embedder model: model-a"):
        Gallery(conn, "model-b", 3).match(unit(1, 0, 0))
    with pytest.raises(GalleryError, match="another embedder model"):
        Gallery(conn, "model-a", 5).match(np.ones(5, np.float32))


def test_changes_from_another_connection_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    kiosk = Gallery(storage.connect(path), "m", 3)
    admin = Gallery(storage.connect(path), "m", 3)
    assert kiosk.match(unit(1, 0, 0)).name is None
    ada = admin.enroll("Ada", None, [NewTemplate(unit(1, 0, 0))])
    assert kiosk.match(unit(1, 0, 0)).name == "Ada"
    admin.remove_person(ada.id)
    assert kiosk.match(unit(1, 0, 0)).name is None
