"""The gallery: one embedder model's templates in memory, matched 1:N (the store keeps them)."""

from __future__ import annotations

from turnstile.store.interfaces import Store
from turnstile.store.matcher import TemplateMatrix
from turnstile.store.records import Change, PersonErased, TemplatesAdded, check_vector
from turnstile.types import Embedding, Match


class Gallery:
    """A matrix of every template of one model in `store`, kept current without polling SQL.

    Built on first use. Commits of this store arrive as change notices: new templates are
    appended in place (enrolment must not rebuild 1e5 rows), an erased person is dropped, other
    edits mark the matrix stale. Commits of other connections or processes show as a new
    store revision and cause one full reload before the next match.
    """

    def __init__(self, store: Store, model: str, dimension: int) -> None:
        self.store = store
        self.model = model
        self.dimension = dimension
        self._index = TemplateMatrix(dimension)
        self._names: dict[int, str] = {}
        self._seen: int | None = None  # the store revision the matrix reflects
        self._stale = True
        store.subscribe(self._changed)

    def _changed(self, change: Change) -> None:
        if self._stale:
            return  # the next use reloads everything anyway
        if isinstance(change, TemplatesAdded) and change.model == self.model:
            for vector in change.vectors:
                self._index.append(change.person_id, vector)
            self._names[change.person_id] = change.name
        elif isinstance(change, PersonErased):
            self._index.remove_person(change.person_id)
            self._names.pop(change.person_id, None)
        else:
            self._stale = True

    def _sync(self) -> None:
        if self._stale or self._seen != self.store.revision():
            self.reload()

    def reload(self) -> None:
        """Rebuild the matrix from the store (StoreError when another model's templates are
        there: matching them with this model would compare unrelated numbers)."""
        revision = self.store.revision()
        rows = self.store.templates.load(self.model, self.dimension)
        self._index.replace(rows.person_ids, rows.vectors)
        self._names = dict(rows.names)
        self._seen, self._stale = revision, False

    @property
    def size(self) -> int:
        """Number of templates in the matrix."""
        self._sync()
        return self._index.size

    def match(self, embedding: Embedding) -> Match:
        """Best person, their similarity and the best similarity of any other person."""
        self._sync()
        query = check_vector(embedding, self.model, self.dimension)
        found = self._index.search(query)
        if found is None:
            return Match(None, None, -1.0, -1.0)
        best_pid, best, runner = found
        return Match(best_pid, self._names.get(best_pid), best, runner)

    def nearest(self, embedding: Embedding, exclude: int | None = None) -> Match | None:
        """The most similar person other than `exclude` (runner_up left at -1), or None."""
        self._sync()
        query = check_vector(embedding, self.model, self.dimension)
        found = self._index.nearest(query, exclude)
        if found is None:
            return None
        person_id, score = found
        return Match(person_id, self._names.get(person_id), score, -1.0)
