"""The scale benchmark (issue 5): `python -m tests.bench` builds homes, times the app and writes BENCHMARKS.md."""
