"""Tests for paper-reader (a package so the fake hub is importable as ``tests.fakehub``)."""
