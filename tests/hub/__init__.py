"""Tests of reader.hub (a package so module names like test_parse do not clash across folders)."""
