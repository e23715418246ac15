"""Saving the query index to one binary file and loading it back in a fraction of a build's time.

The file: a fixed header (magic, format version, marshal version, Python version, byte order),
a marshalled table of contents with a CRC-32 per section, then the sections. Posting lists go
to disk as the raw bytes of ``array("I")`` (one block per field, read back with
``array.fromfile``); the vocabularies, values and fingerprints are marshalled lists. No pickle:
marshal of flat lists is several times faster and cannot run code.

Every paper is saved with a fingerprint of what the index derived from it. Loading compares
them with the records it is given: papers gone from the records are removed, papers whose
fingerprint changed are removed and indexed again, new papers are indexed.
"""

from __future__ import annotations

import gc
import logging
import marshal
import struct
import sys
import zlib
from array import array
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import accumulate
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from reader.hub.models import Paper
from reader.query.pairs import PairPostings, PairTable
from reader.query.postings import Postings, lowered
from reader.query.prefixes import ShortPrefixes
from reader.store.atomic import atomic_write_bytes
from reader.store.record import Record

if TYPE_CHECKING:
    from reader.query.index import Index

log = logging.getLogger("reader.query")

# 3: pairs of common words (reader.query.pairs); 4: more of them, per field; 5: fingerprints
# from the fields a packed record holds unpacked
FORMAT_VERSION = 6  # 6: sort:trending by the best recent rank
_MAGIC = b"PRINDEX\0"
# magic, format version, marshal version, Python major*256+minor, item size of "I", big-endian
_HEADER = struct.Struct("<8sIIIB?Q")  # ... and the length of the table of contents
_PLATFORM = (FORMAT_VERSION, marshal.version, sys.hexversion >> 16, array("I").itemsize,
             sys.byteorder == "big")
_REBUILD_SHARE = 4  # build_or_load rebuilds when more than 1/4 of the documents are removed ones


class BadIndexFile(Exception):
    """The saved index cannot be used (the caller builds a new one)."""


def fingerprint(record: Record) -> tuple[Any, ...]:
    """What decides whether a saved document still describes ``record``.

    For records from the store, ``updated_at`` moves (to the millisecond) on every change, so
    it and the fields every record carries unpacked decide: comparing 100,000 records this way
    unpacks none of them (see Record.packed) and costs no hashing of abstracts. Records without
    ``updated_at`` are compared in full.
    """
    cheap = (record.updated_at, record.first_seen, record.listed_on, record.trending[-1:],
             record.upvotes, record.day)
    if record.updated_at:
        return cheap
    p = record.paper
    org = p.organization
    authors = tuple((a.name, a.username, a.hidden) for a in p.authors)
    return (*cheap, p.github_stars, p.num_comments, p.github_repo, p.project_page, p.ai_summary,
            p.submitted_daily_at, p.published_at, p.title,
            None if org is None else (org.name, org.fullname), p.summary, authors, p.ai_keywords)


# --- writing ------------------------------------------------------------------------------------


def _sections(index: Index) -> dict[str, bytes]:
    n = len(index._ids)
    dead = index._dead
    records = index._records
    fps = [None if doc in dead else fingerprint(records[doc]) for doc in range(n)]
    meta = {
        "ids": index._ids,
        "dead": sorted(dead),
        "values": index._values,
        "sort_keys": index._sort_keys,
        "static": {name: bytes(flags) for name, flags in index._static.items()},
        "by_value": {name: array("I", index._by_value.get(name, ((), ()))[1]).tobytes()
                     for name in index._values},
        "by_id": array("I", index._by_id[1]).tobytes(),
        "short": {prefix: bits.to_bytes((n + 7) // 8, "little")
                  for prefix, bits in index._short.bits.items()},
    }
    out = {"meta": marshal.dumps(meta), "fingerprints": marshal.dumps(fps),
           "pairs": marshal.dumps(_pair_sections(index._pairs))}
    for field, postings in index._postings.items():
        vocab = index._vocab[field]
        lists = list(map(postings.__getitem__, vocab))
        out[f"vocab:{field}"] = marshal.dumps(vocab)
        out[f"lengths:{field}"] = array("I", map(len, lists)).tobytes()
        out[f"postings:{field}"] = b"".join(map(array.tobytes, lists))
    return out


def _pair_sections(found: PairPostings) -> dict[str, tuple[Any, ...]]:
    """Per field: (frequent words, held triples, runs, their postings' lengths, the postings)."""
    out = {}
    for field, table in found.tables.items():
        keys = sorted(table)
        lists = list(map(table.__getitem__, keys))
        out[field] = (sorted(found.frequent.get(field, ())),
                      sorted(found.triples.get(field, ())), keys,
                      array("I", map(len, lists)).tobytes(), b"".join(map(array.tobytes, lists)))
    return out


def _pairs_of(saved: Any, n: int) -> PairPostings:
    """The PairPostings of the saved section, or BadIndexFile."""
    if not isinstance(saved, dict):
        raise BadIndexFile("bad pairs section")
    frequent, triples, tables = {}, {}, {}
    for field, (words, held, keys, lengths_blob, blob) in saved.items():
        lengths, every = array("I", lengths_blob), array("I", blob)
        if len(keys) != len(lengths) or sum(lengths) != len(every) or max(every, default=-1) >= n:
            raise BadIndexFile("pairs do not add up")
        ends = list(accumulate(lengths))
        frequent[field], triples[field] = frozenset(words), frozenset(held)
        tables[field] = PairTable(zip(keys, map(every.__getitem__, map(slice, [0, *ends], ends)),
                                      strict=True))
    return PairPostings(frequent, tables, triples)


def save(index: Index, path: Path) -> None:
    """Write ``index`` to ``path`` atomically (the caller holds the index's lock)."""
    sections = _sections(index)
    toc = marshal.dumps([(name, len(body), zlib.crc32(body)) for name, body in sections.items()])
    header = _HEADER.pack(_MAGIC, *_PLATFORM, len(toc))
    # The index is re-buildable: a lost rename after a power cut only costs a rebuild.
    # Written section by section: joining them first would hold one more copy of the whole file.
    atomic_write_bytes(Path(path), [header, toc, *sections.values()], sync_dir=False)


# --- reading ------------------------------------------------------------------------------------


def _read_exact(handle: IO[bytes], size: int) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise BadIndexFile("truncated")
    return data


def _checked(data: bytes | array[int], crc: int) -> None:
    if zlib.crc32(data) != crc:
        raise BadIndexFile("checksum mismatch")


def looks_usable(path: Path) -> bool:
    """True if ``path`` holds a saved index this version can load (its header says so): a
    cheap look (one small read), not a guarantee. False for a missing file."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEADER.size)
    except OSError:
        return False
    if len(head) != _HEADER.size:
        return False
    magic, *platform, _ = _HEADER.unpack(head)
    return magic == _MAGIC and tuple(platform) == _PLATFORM


def _read(path: Path) -> tuple[dict[str, Any], list[Any], Any, dict[str, Postings],
                                dict[str, list[bytes]]]:
    """(meta, fingerprints, pairs, postings, vocabularies) from the file, or BadIndexFile."""
    with open(path, "rb") as handle:
        magic, *platform, toc_size = _HEADER.unpack(_read_exact(handle, _HEADER.size))
        if magic != _MAGIC:
            raise BadIndexFile("not an index file")
        if tuple(platform) != _PLATFORM:
            raise BadIndexFile("another format or Python version")
        if toc_size > 1 << 20:
            raise BadIndexFile("bad table of contents")
        toc = marshal.loads(_read_exact(handle, toc_size))
        if not isinstance(toc, list):
            raise BadIndexFile("bad table of contents")
        blobs: dict[str, bytes] = {}
        postings: dict[str, Postings] = {}
        vocabs: dict[str, list[bytes]] = {}
        for name, size, crc in toc:
            if not name.startswith("postings:"):
                blobs[name] = _read_exact(handle, size)
                _checked(blobs[name], crc)
                continue
            field = name.partition(":")[2]
            # Straight from the file into one array, then cut per token: no intermediate copy.
            every: array[int] = array("I")
            try:
                every.fromfile(handle, size // every.itemsize)
            except EOFError as err:
                raise BadIndexFile("truncated") from err
            _checked(every, crc)
            vocab = marshal.loads(blobs[f"vocab:{field}"])
            lengths = array("I", blobs[f"lengths:{field}"])
            if len(vocab) != len(lengths) or sum(lengths) != len(every):
                raise BadIndexFile("postings do not add up")
            ends = list(accumulate(lengths))
            table = postings[field] = Postings()
            table.update(zip(vocab, map(every.__getitem__, map(slice, [0, *ends], ends)),
                             strict=False))
            vocabs[field] = vocab
            del every
        if handle.read(1):
            raise BadIndexFile("trailing data")
    meta = marshal.loads(blobs["meta"])
    fps = marshal.loads(blobs["fingerprints"])
    return meta, fps, marshal.loads(blobs["pairs"]), postings, vocabs


def _restore(cls: type[Index], path: Path) -> tuple[Index, list[Any]]:
    """The index exactly as saved (records still the saved ids' placeholders), and fingerprints."""
    meta, fps, pairs, postings, vocabs = _read(path)
    ids: list[str] = meta["ids"]
    n = len(ids)
    index = cls()
    if set(postings) != set(index._postings) or len(fps) != n:
        raise BadIndexFile("fields do not match")
    index._ids = ids
    index._postings = postings
    index._vocab = vocabs
    index._dead = set(meta["dead"])
    index._values = meta["values"]
    index._sort_keys = meta["sort_keys"]
    index._static = {name: bytearray(flags) for name, flags in meta["static"].items()}
    for name, values in index._values.items():
        docs = array("I", meta["by_value"][name])
        index._by_value[name] = (list(map(values.__getitem__, docs)), docs)  # type: ignore[arg-type]
    index._short = ShortPrefixes({prefix: int.from_bytes(bits, "little")
                                  for prefix, bits in meta["short"].items()})
    index._pairs = _pairs_of(pairs, n)
    by_id = array("I", meta["by_id"])
    index._by_id = ([], by_id)  # the keys once the ids are the records' own (_load_checked)
    sizes = {len(v) for v in index._values.values()} | {len(v) for v in index._sort_keys.values()}
    sizes |= {len(v) for v in index._static.values()}
    if sizes - {n} or len(by_id) != n or any(d >= n for d in index._dead):
        raise BadIndexFile("sizes do not match")
    return index, fps


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading allocates ~a million objects: each full collection the allocations trigger would
    scan every record the app holds (0.3 s at 100k) for nothing, since none of it is garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_checked(
    cls: type[Index], path: Path, records: Sequence[Record] | Mapping[str, Record],
    max_stale: float | None = None,
) -> tuple[Index, bool] | None:
    """``(index, caught_up)`` or None; ``caught_up``: papers had to be added or removed. With
    ``max_stale``, also None when more than that share of ``records`` would have to be indexed
    (new or changed since the save): then the caller may do better without an index."""
    with _gc_paused():
        return _load_checked(cls, path, records, max_stale)


def _load_checked(
    cls: type[Index], path: Path, records: Sequence[Record] | Mapping[str, Record],
    max_stale: float | None = None,
) -> tuple[Index, bool] | None:
    try:
        index, fps = _restore(cls, path)
    except FileNotFoundError:
        return None
    except Exception as err:  # a damaged file can fail in many ways: it is only a cache
        log.info("saved query index %s not used: %s", Path(path).name, err)
        return None
    current = records if isinstance(records, Mapping) else {r.id: r for r in records}
    docno, slots, dead, ids = index._docno, index._records, index._dead, index._ids
    removed = False
    for doc, (paper_id, saved) in enumerate(zip(index._ids, fps, strict=True)):
        record = current.get(paper_id)
        if doc in dead:
            slots.append(Record(Paper(paper_id)))
        elif record is None or fingerprint(record) != saved:
            slots.append(record or Record(Paper(paper_id)))
            dead.add(doc)
            removed = True
        else:
            slots.append(record)
            paper_id = ids[doc] = record.id  # one string per id, the record's (6 MB at 100k)
            docno[paper_id] = doc
    index._live_bits = None
    index._by_id = (lowered(map(ids.__getitem__, index._by_id[1])), index._by_id[1])
    fresh = [r for paper_id, r in current.items() if paper_id not in docno]
    if max_stale is not None and len(fresh) > max_stale * max(1, len(current)):
        return None
    index.add(fresh)
    return index, removed or bool(fresh)


def load(
    cls: type[Index], path: Path, records: Sequence[Record] | Mapping[str, Record],
    max_stale: float | None = None,
) -> Index | None:
    """See ``Index.load``."""
    loaded = load_checked(cls, path, records, max_stale)
    return None if loaded is None else loaded[0]


def build_or_load(
    cls: type[Index], path: Path, records: Sequence[Record] | Mapping[str, Record]
) -> tuple[Index, bool]:
    """See ``Index.build_or_load``."""
    loaded = load_checked(cls, path, records)
    if loaded is not None:
        index, caught_up = loaded
        if len(index._dead) * _REBUILD_SHARE <= len(index._ids):
            if caught_up:
                index.save(path)
            return index, True
    index = cls(records.values() if isinstance(records, Mapping) else records)
    index.save(path)
    return index, False
