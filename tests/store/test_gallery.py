"""Gallery: 1:N matching with runner-up over the store's templates, following its changes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from turnstile.store.gallery import Gallery
from turnstile.store.records import NewTemplate, StoreError
from turnstile.store.sqlite import SQLiteStore
from turnstile.types import Person


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, np.float32)
    return np.asarray(vector / np.linalg.norm(vector), np.float32)


@pytest.fixture
def gallery(store: SQLiteStore) -> Gallery:
    return Gallery(store, "test-model", 3)


def enrol(gallery: Gallery, name: str, employee_id: str | None,
          templates: Sequence[NewTemplate]) -> Person:
    """A new person with templates in one transaction, as the people service stores them."""
    store = gallery.store
    with store.transaction():
        person = store.people.add(name, employee_id)
        store.templates.add(person.id, gallery.model, gallery.dimension, templates)
    return store.people.get(person.id)


def test_empty_gallery_matches_no_one(gallery: Gallery) -> None:
    match = gallery.match(unit(1, 0, 0))
    assert match.person_id is None and match.name is None


def test_best_person_and_runner_up(gallery: Gallery) -> None:
    ada = enrol(gallery, "Ada", "E1", [NewTemplate(unit(1, 0, 0)), NewTemplate(unit(1, 0.2, 0))])
    enrol(gallery, "Bob", "E2", [NewTemplate(unit(0, 1, 0))])
    match = gallery.match(unit(1, 0.1, 0))
    assert match.name == "Ada" and match.person_id == ada.id
    # The runner-up is the best *other* person, not Ada's second template.
    assert match.runner_up == pytest.approx(float(unit(0, 1, 0) @ unit(1, 0.1, 0)))
    assert match.margin > 0.5


def test_single_person_has_no_runner_up(gallery: Gallery) -> None:
    enrol(gallery, "Ada", None, [NewTemplate(unit(1, 0, 0))] * 3)
    assert gallery.match(unit(1, 0, 0)).runner_up == -1.0


def test_runner_up_found_beyond_the_top_rows(gallery: Gallery) -> None:
    enrol(gallery, "Ada", None, [NewTemplate(unit(1, 0.01 * i, 0)) for i in range(40)])
    enrol(gallery, "Bob", None, [NewTemplate(unit(0, 0, 1))])
    match = gallery.match(unit(1, 0, 0))
    assert match.name == "Ada" and match.runner_up == pytest.approx(0.0, abs=1e-6)


def test_nearest_other_person_skips_the_excluded_one(gallery: Gallery) -> None:
    ada = enrol(gallery, "Ada", None, [NewTemplate(unit(1, 0, 0))])
    bob = enrol(gallery, "Bob", None, [NewTemplate(unit(1, 1, 0))])
    nearest = gallery.nearest(unit(1, 0, 0), exclude=ada.id)
    assert nearest is not None and (nearest.person_id, nearest.name) == (bob.id, "Bob")
    assert nearest.similarity == pytest.approx(float(unit(1, 1, 0) @ unit(1, 0, 0)))
    assert gallery.nearest(unit(1, 0, 0)).person_id == ada.id  # type: ignore[union-attr]
    gallery.store.people.erase(bob.id)
    assert gallery.nearest(unit(1, 0, 0), exclude=ada.id) is None


def test_own_enrolments_are_appended_without_a_reload(gallery: Gallery,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    enrol(gallery, "Ada", None, [NewTemplate(unit(1, 0, 0))])
    assert gallery.size == 1

    def no_reload() -> None:
        raise AssertionError("the matrix was rebuilt for this store's own enrolment")

    monkeypatch.setattr(gallery, "reload", no_reload)
    bob = enrol(gallery, "Bob", None, [NewTemplate(unit(0, 1, 0))])
    assert gallery.match(unit(0, 1, 0)).person_id == bob.id and gallery.size == 2
    gallery.store.people.erase(bob.id)
    assert gallery.match(unit(0, 1, 0)).name == "Ada" and gallery.size == 1


def test_a_rename_is_matched_under_the_new_name(gallery: Gallery) -> None:
    ada = enrol(gallery, "Ada", None, [NewTemplate(unit(1, 0, 0))])
    assert gallery.match(unit(1, 0, 0)).name == "Ada"
    gallery.store.people.rename(ada.id, "Ada King", None)
    assert gallery.match(unit(1, 0, 0)).name == "Ada King"


def test_a_rolled_back_enrolment_reaches_neither_store_nor_matrix(gallery: Gallery) -> None:
    store = gallery.store
    with pytest.raises(StoreError, match="has 4 values"), store.transaction():
        person = store.people.add("Ada")
        store.templates.add(person.id, gallery.model, gallery.dimension,
                            [NewTemplate(unit(1, 0, 0)), NewTemplate(np.ones(4, np.float32))])
    assert store.people.all() == [] and gallery.size == 0


def test_remove_person_erases_templates_and_thumbnails(gallery: Gallery,
                                                       store: SQLiteStore) -> None:
    ada = enrol(gallery, "Ada", None, [NewTemplate(unit(1, 0, 0), thumbnail=b"jpeg")])
    assert store.templates.thumbnail(ada.id) == b"jpeg"
    store.people.erase(ada.id)
    rows = store.connection.execute("SELECT COUNT(*) FROM templates").fetchone()[0]
    assert rows == 0 and store.people.all() == [] and gallery.match(unit(1, 0, 0)).name is None


def test_bad_embeddings_are_refused(gallery: Gallery, store: SQLiteStore) -> None:
    ada = store.people.add("Ada")
    add = store.templates.add
    with pytest.raises(StoreError, match="has 4 values"):
        add(ada.id, gallery.model, gallery.dimension, [NewTemplate(np.ones(4, np.float32))])
    with pytest.raises(StoreError, match="NaN"):
        add(ada.id, gallery.model, gallery.dimension,
            [NewTemplate(np.array([np.nan, 0, 0], np.float32))])
    with pytest.raises(StoreError, match="no person"):
        add(999, gallery.model, gallery.dimension, [NewTemplate(unit(1, 0, 0))])
    with pytest.raises(StoreError, match="needs a name"):
        store.people.add("  ")
    with pytest.raises(StoreError, match="has 4 values"):
        gallery.match(np.ones(4, np.float32))


def test_duplicate_employee_id_is_refused_and_nothing_lost(gallery: Gallery,
                                                           store: SQLiteStore) -> None:
    enrol(gallery, "Ada", "E1", [NewTemplate(unit(1, 0, 0))])
    with pytest.raises(StoreError, match="E1 is already enrolled"):
        enrol(gallery, "Eve", "E1", [NewTemplate(unit(0, 1, 0))])
    assert [p.name for p in store.people.all()] == ["Ada"]
    assert gallery.size == 1


def test_other_model_templates_are_refused(store: SQLiteStore) -> None:
    enrol(Gallery(store, "model-a", 3), "Ada", None, [NewTemplate(unit(1, 0, 0))])
    with pytest.raises(StoreError, match="another embedder model: model-a"):
        Gallery(store, "model-b", 3).match(unit(1, 0, 0))
    with pytest.raises(StoreError, match="another embedder model"):
        Gallery(store, "model-a", 5).match(np.ones(5, np.float32))


def test_changes_from_another_connection_are_seen(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    kiosk = Gallery(SQLiteStore.open(path), "m", 3)
    admin = Gallery(SQLiteStore.open(path), "m", 3)
    assert kiosk.match(unit(1, 0, 0)).name is None
    ada = enrol(admin, "Ada", None, [NewTemplate(unit(1, 0, 0))])
    assert kiosk.match(unit(1, 0, 0)).name == "Ada"
    admin.store.people.erase(ada.id)
    assert kiosk.match(unit(1, 0, 0)).name is None
