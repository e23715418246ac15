"""The derived store's tables, its schema version, and the check that SQLite has FTS5."""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 6  # PRAGMA user_version; a file with another one is rebuilt
# 5: heads and bodies (the records a start reads back: they replaced the .quick copies)
# 6: a prefix index of 3 characters, papers.pairs for 2; a bare word searches org too
FILE_NAME = "papers.sqlite"
# Between two units of one column (two authors, two keywords): a token of its own that no
# query word can equal or start with (query words are runs of letters and digits; U+2063 is
# neither), so a phrase never runs from one author into the next, as in the matcher.
UNIT_BREAK = " \u2063 "

# The characters a word may start with that papers.initials has a bit for (a one-letter word
# while typing would otherwise merge the FTS entries of every word starting with it).
INITIALS = "abcdefghijklmnopqrstuvwxyz0123456789"
# papers.pairs: bit INITIALS.index(a) * len(INITIALS) + INITIALS.index(b), little-endian, set
# if a word a bare word searches starts with the two characters ab (a two-letter prefix while
# typing: the FTS entries of `wi`, `la` or `re` cover 90% of the papers, 20-30 ms to read).
PAIRS_BYTES = (len(INITIALS) ** 2 + 7) // 8

# Flag bits of papers.flags (has:code, has:project, has:ai, is:trending).
CODE, PROJECT, AI, TRENDING = 1, 2, 4, 8

# The All view's order: newest day first, then most upvotes, then id (reader.cli.records).
VIEW_ORDER = "p.day DESC, coalesce(p.upvotes, 0) DESC, p.id DESC"
# Sort keys, biggest first; -1 for an unknown value (reader.query.matcher.sort_key).
SORT_COLUMNS = {
    "upvotes": "coalesce(p.upvotes, -1)",
    "stars": "coalesce(p.stars, -1)",
    "date": "coalesce(p.day_ord, -1)",
    "trending": "p.trend",
}

TABLES = f"""
CREATE TABLE papers (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    day TEXT NOT NULL,              -- Record.day ('' if none)
    day_ord INTEGER,                -- the day as a proleptic ordinal
    upvotes INTEGER,
    comments INTEGER,
    stars INTEGER,
    authors INTEGER NOT NULL,       -- visible authors
    flags INTEGER NOT NULL,
    trend INTEGER NOT NULL,         -- sort:trending key, -1 if never trending
    trend_at TEXT,                  -- newest trending sighting
    trend_rank INTEGER,
    listed_last TEXT,               -- newest listing day
    first_seen REAL,                -- POSIX time, for is:new
    title TEXT NOT NULL,
    first_authors TEXT NOT NULL,
    sig INTEGER NOT NULL,           -- checksum of the searchable text: FTS rows rewritten on change
    initials INTEGER NOT NULL,      -- bit INITIALS.index(c) set if a word a bare word searches
                                    -- (every units column) starts with c
    pairs BLOB NOT NULL             -- PAIRS_BYTES: the same for the first two characters
);
CREATE INDEX papers_view ON papers (day DESC, coalesce(upvotes, 0) DESC, id DESC);
CREATE INDEX papers_upvotes ON papers (coalesce(upvotes, -1) DESC);
CREATE INDEX papers_stars ON papers (coalesce(stars, -1) DESC);
CREATE INDEX papers_day ON papers (day_ord);
CREATE INDEX papers_trend ON papers (trend DESC);
CREATE INDEX papers_listed ON papers (listed_last);
-- Every column a condition or a sort reads, so that numbers, flags, one-letter words, the
-- library's sets (bound as ids) and sort keys scan this index, a fraction of the table's size
-- (titles and authors stay in the table), instead of the table.
CREATE INDEX papers_scan ON papers (flags, upvotes, comments, stars, authors, day_ord,
                                    first_seen, initials, trend, id);
CREATE TABLE listed (id TEXT NOT NULL, day TEXT NOT NULL, PRIMARY KEY (day, id)) WITHOUT ROWID;
CREATE INDEX listed_id ON listed (id);
CREATE TABLE sightings (id TEXT NOT NULL, rank INTEGER NOT NULL, seen_at TEXT NOT NULL);
CREATE INDEX sightings_id ON sightings (id);
CREATE INDEX sightings_at ON sightings (seen_at);
-- The cached records themselves (reader.store.derived.held). What a start reads of every paper,
-- in a narrow table of its own: its shard and TinyDB doc id, and the Record's fields but the
-- paper (reader.store.record).
CREATE TABLE heads (
    rid INTEGER PRIMARY KEY,        -- papers.rid
    shard TEXT NOT NULL,
    doc_id INTEGER NOT NULL,        -- 0: unknown (then the shard is read from its JSON)
    id TEXT NOT NULL,
    day TEXT NOT NULL,
    upvotes INTEGER,
    listed TEXT NOT NULL,           -- listing days, comma-separated ('' if none)
    trending BLOB,                  -- [[rank, seen_at], ...] as JSON; NULL if never trending
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    observed_at TEXT NOT NULL
);
-- ...and the body, read when the paper is first shown: the record's JSON, exactly as its shard
-- holds it.
CREATE TABLE bodies (rid INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- The version of each shard file the store was last brought up to date with, as
-- identity#digest (reader.store.derived.file_versions): a shard whose file differs (a crash
-- between the two writes, an older paper-reader) is indexed again; one copied unchanged is not.
CREATE TABLE shards (name TEXT PRIMARY KEY, stamp TEXT NOT NULL);
-- One row per paper (rowid = papers.rid), a column per field, the units of a field (authors,
-- keywords) separated by UNIT_BREAK. The text is stored already folded and split by
-- reader.query.fold, so the ascii tokenizer (splits on ASCII punctuation and space, every other
-- character is part of a word) sees exactly the matcher's words. Prefix indexes of 2 and 3
-- characters: while a word is typed, `tra` (and `the`: the, their, these, then...) reads one
-- prefix entry instead of merging every word's list (`the` 85 -> 19 ms at 10^5 papers); one-
-- and two-letter words are papers.initials and papers.pairs.
CREATE VIRTUAL TABLE units USING fts5 (
    title, author, abstract, kw, org, tokenize = 'ascii', prefix = '3', columnsize = 0
);
PRAGMA user_version = {SCHEMA_VERSION};
"""


def has_fts5(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite build has FTS5 (Python builds without it exist)."""
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5 (x)")
    except sqlite3.OperationalError:
        return False
    conn.execute("DROP TABLE temp.fts5_probe")
    return True


def version(conn: sqlite3.Connection) -> int:
    """The schema version written in the file (0 for a new or foreign file)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0]) if row else 0


def create(conn: sqlite3.Connection) -> None:
    """Create every table in an empty database."""
    conn.executescript(TABLES)
