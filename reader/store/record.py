"""A cached paper: the paper itself plus what the cache has learnt about it over time."""

from __future__ import annotations

from typing import Any, Protocol

from reader.hub.models import Paper, paper_from_dict, paper_to_dict

TRENDING_KEEP = 20  # trending sightings kept per paper (newest last)


class Unpacker(Protocol):
    """Where packed papers come from (see reader.store.derived.held): ``text(ref, paper_id)`` reads
    an abstract, ``unpack(ref, paper_id, summary)`` builds the paper (``summary``: its abstract
    if already read, else None)."""

    def text(self, ref: Any, paper_id: str) -> str: ...
    def unpack(self, ref: Any, paper_id: str, summary: str | None) -> Paper: ...


class Record:
    """One paper in the cache. Never change one (nothing stops you, but records are shared
    between threads and their identity tells a changed paper from an unchanged one): a change
    makes a new Record (see :meth:`replace`).

    ``listed_on``: the Daily Papers dates (``YYYY-MM-DD``) it was listed on, sorted.
    ``trending``: ``(rank, seen_at)`` pairs, 1-based rank in the trending list, oldest first.
    ``first_seen`` / ``updated_at``: ISO times of the first merge and of the last changing merge.
    ``observed_at``: when the newest data in it was observed (a sync's time, or the newest time
    an imported file proves); "" if unknown. An older observation never overwrites a newer one.

    A record loaded from the derived store holds its paper packed (a reference to it) and
    unpacks it on first use of :attr:`paper`. What the views need for every paper (``id``,
    ``day``, ``upvotes``, the listing days, trending) is always at hand, so the list of 100,000
    papers shows without unpacking more than the rows on screen. The abstract is read on its
    own (:attr:`summary`, a few us): phrase checks and scans need it without the rest.
    """

    __slots__ = ("_paper", "_summary", "_packer", "id", "day", "upvotes", "listed_on",
                 "trending", "first_seen", "updated_at", "observed_at")

    def __init__(
        self,
        paper: Paper,
        listed_on: tuple[str, ...] = (),
        trending: tuple[tuple[int, str], ...] = (),
        first_seen: str = "",
        updated_at: str = "",
        observed_at: str = "",
    ) -> None:
        self._paper: Paper | object = paper
        self._summary: str | object = paper.summary
        self._packer: Unpacker | None = None
        self.id: str = paper.id
        self.listed_on = listed_on
        self.trending = trending
        self.first_seen = first_seen
        self.updated_at = updated_at
        self.observed_at = observed_at
        self.upvotes: int | None = paper.upvotes
        self.day: str = _day(listed_on, paper)

    @classmethod
    def packed(
        cls, paper_id: str, ref: object, packer: Unpacker, day: str, upvotes: int | None,
        listed_on: tuple[str, ...], trending: tuple[tuple[int, str], ...], first_seen: str,
        updated_at: str, observed_at: str = "", /,
    ) -> Record:
        """A record whose paper and abstract ``packer`` reads from ``ref`` when first needed;
        ``day`` and ``upvotes`` must be what the paper would give (the store saved them)."""
        self = cls.__new__(cls)
        self._paper, self._summary, self._packer, self.id, self.day, self.upvotes = (
            ref, ref, packer, paper_id, day, upvotes)
        self.listed_on, self.trending, self.first_seen, self.updated_at, self.observed_at = (
            listed_on, trending, first_seen, updated_at, observed_at)
        return self

    @property
    def paper(self) -> Paper:
        # The packer is read first: it is let go only once the paper and the abstract are
        # both in, so if it is gone, the paper read next is in. Two threads unpacking at once
        # both get an equal paper (not the same object); the last one is kept.
        packer = self._packer
        paper = self._paper
        if isinstance(paper, Paper):
            return paper
        assert packer is not None
        summary = self._summary
        unpacked = packer.unpack(paper, self.id, summary if isinstance(summary, str) else None)
        self._paper = unpacked
        if not isinstance(summary, str):
            self._summary = unpacked.summary
        self._packer = None  # the store may be let go once no record needs it
        return unpacked

    @property
    def needs_summary(self) -> bool:
        """True while the abstract is still on disk (see :attr:`summary`)."""
        return not isinstance(self._summary, str)

    @property
    def summary(self) -> str:
        """The abstract (``paper.summary``), read without unpacking the rest of the paper."""
        packer = self._packer  # first: see paper
        summary = self._summary
        if isinstance(summary, str):
            return summary
        assert packer is not None
        text = packer.text(summary, self.id)
        self._summary = text
        return text

    def held_by(self) -> tuple[Unpacker, Any] | None:
        """(packer, reference) while the paper is still packed, else None."""
        packer = self._packer  # first: see paper
        ref = self._paper
        return None if packer is None or isinstance(ref, Paper) else (packer, ref)

    @property
    def is_packed(self) -> bool:
        """True while the paper has not been unpacked (it costs ~10 us on first use)."""
        return not isinstance(self._paper, Paper)

    @property
    def trending_rank(self) -> int | None:
        """The rank at the newest trending sighting, if any."""
        return self.trending[-1][0] if self.trending else None

    def replace(self, **changes: Any) -> Record:
        """A copy with some of the constructor's fields changed (as ``dataclasses.replace``)."""
        fields: dict[str, Any] = {
            "paper": self.paper, "listed_on": self.listed_on, "trending": self.trending,
            "first_seen": self.first_seen, "updated_at": self.updated_at,
            "observed_at": self.observed_at}
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"Record has no field {sorted(unknown)[0]!r}")
        fields.update(changes)
        return Record(**fields)

    def _key(self) -> tuple[object, ...]:
        return (self.paper, self.listed_on, self.trending, self.first_seen, self.updated_at,
                self.observed_at)

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if not isinstance(other, Record):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.id, self.listed_on, self.trending, self.first_seen, self.updated_at))

    def __repr__(self) -> str:
        state = "packed" if self.is_packed else repr(self._paper)
        return (f"Record({state}, listed_on={self.listed_on!r}, trending={self.trending!r}, "
                f"first_seen={self.first_seen!r}, updated_at={self.updated_at!r}, "
                f"observed_at={self.observed_at!r})")


def _day(listed_on: tuple[str, ...], paper: Paper) -> str:
    """The date a paper belongs to in date-ordered views: its newest listing day, else the day
    of its Daily Papers submission, else its arXiv publication day ("" if none known)."""
    if listed_on:
        return listed_on[-1]
    stamp = paper.submitted_daily_at or paper.published_at or ""
    return stamp[:10]


def record_to_dict(r: Record) -> dict[str, Any]:
    """The on-disk (and ``--json``) form of a record: the paper's fields plus the cache's."""
    d = paper_to_dict(r.paper)
    if r.listed_on:
        d["listed_on"] = list(r.listed_on)
    if r.trending:
        d["trending"] = [[rank, at] for rank, at in r.trending]
    if r.first_seen:
        d["first_seen"] = r.first_seen
    if r.updated_at:
        d["updated_at"] = r.updated_at
    if r.observed_at:
        d["observed_at"] = r.observed_at
    return d


def record_from_dict(d: dict[str, Any]) -> Record:
    """Inverse of :func:`record_to_dict`."""
    return Record(
        paper=paper_from_dict(d),
        listed_on=tuple(d.get("listed_on", ())),
        trending=tuple((int(rank), str(at)) for rank, at in d.get("trending", ())),
        first_seen=d.get("first_seen", ""),
        updated_at=d.get("updated_at", ""),
        observed_at=d.get("observed_at", ""),
    )
