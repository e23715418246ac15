"""The derived store: one SQLite file in the cache dir that lists and searches every paper.

It is derived from the JSON shards (the cache of record) and can be deleted at any time: it is
rebuilt from them. See :mod:`.schema` for what it holds and :mod:`.store` for its life cycle.
"""
