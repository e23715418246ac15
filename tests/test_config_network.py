"""config.toml's [network] table: defaults, accepted values, and values refused with a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.config import NetworkLimits, load_config
from reader.hub.client import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    PapersClient,
)


def test_defaults_match_the_clients(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.toml")  # created from the template
    assert config.problems == []
    assert config.network == NetworkLimits()
    assert config.network.client_options() == {
        "deadline": DEFAULT_DEADLINE, "max_bytes": DEFAULT_MAX_BYTES,
        "max_pages": DEFAULT_MAX_PAGES,
    }
    assert "[network]" in (tmp_path / "config.toml").read_text(encoding="utf-8")


async def test_chosen_limits_reach_the_client(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[network]\nrequest_seconds = 5.5\nmax_response_mb = 2\nmax_pages = 3\n",
                    encoding="utf-8")
    config = load_config(path)
    assert config.problems == []
    async with PapersClient("http://127.0.0.1:9", "", **config.network.client_options()) as c:
        assert (c.deadline, c.max_bytes, c.max_pages) == (5.5, 2 * 1024 * 1024, 3)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("request_seconds = 0", "request_seconds"),
        ("request_seconds = -1", "request_seconds"),
        ("request_seconds = nan", "request_seconds"),
        ("request_seconds = inf", "request_seconds"),
        ('request_seconds = "10"', "request_seconds"),
        ("request_seconds = 99999999999999999999", "request_seconds"),
        ("max_response_mb = 0", "max_response_mb"),
        ("max_response_mb = 1e300", "max_response_mb"),
        ("max_response_mb = true", "max_response_mb"),
        ("max_pages = 0", "max_pages"),
        ("max_pages = 2.5", "max_pages"),
        ("max_pages = 99999999999999999999", "max_pages"),
    ],
)
def test_bad_values_take_the_default_with_a_line(tmp_path: Path, line: str, key: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[network]\n{line}\n", encoding="utf-8")
    config = load_config(path)
    assert config.network == NetworkLimits()
    assert len(config.problems) == 1
    assert f"[network] {key} should be" in config.problems[0]


def test_network_that_is_not_a_table(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("network = 5\n", encoding="utf-8")
    config = load_config(path)
    assert config.network == NetworkLimits()
    assert config.problems == ["config.toml: [network] should be a table; using the defaults."]
