"""A fake Hugging Face Papers API for tests and benchmarks: a corpus generator and an HTTP server.

``Corpus`` makes deterministic API-shaped daily items; ``FakeHub`` serves them on 127.0.0.1 with
injectable faults; ``iter_items`` streams large dumps quickly. See ``python -m tests.fakehub -h``.
"""

from tests.fakehub.corpus import HOSTILE_KINDS, Corpus, iter_items
from tests.fakehub.server import FakeHub, Fault, Headers

__all__ = ["HOSTILE_KINDS", "Corpus", "FakeHub", "Fault", "Headers", "iter_items"]
