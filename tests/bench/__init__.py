"""The scale benchmark (issue 5): `python -m tests.bench` times the app and writes BENCHMARKS.md."""
