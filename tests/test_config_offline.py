"""The offline-reading settings in config.toml: defaults, the template, bad values."""

from __future__ import annotations

from pathlib import Path

from reader.config import TEMPLATE, Config, load_config


def test_template_gives_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    config = load_config(path)
    assert path.read_text(encoding="utf-8") == TEMPLATE
    assert config.problems == []
    default = Config()
    assert (config.fulltext_on_bookmark, config.pdf_url, config.opener) == (
        default.fulltext_on_bookmark, default.pdf_url, default.opener) == (
        True, "https://arxiv.org/pdf/{id}", "")


def test_values_and_bad_values(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('fulltext_on_bookmark = false\npdf_url = "http://mirror.test/p/{id}.pdf"\n'
                    'opener = " zathura "\n', encoding="utf-8")
    config = load_config(path)
    assert config.problems == []
    assert not config.fulltext_on_bookmark and config.opener == "zathura"
    assert config.pdf_url == "http://mirror.test/p/{id}.pdf"
    path.write_text('fulltext_on_bookmark = "yes"\npdf_url = "file:///{id}"\nopener = 3\n',
                    encoding="utf-8")
    config = load_config(path)
    assert len(config.problems) == 3
    assert config.fulltext_on_bookmark and config.pdf_url.startswith("https://arxiv.org")
    path.write_text('pdf_url = "https://arxiv.org/pdf/"\n', encoding="utf-8")
    assert "pdf_url" in load_config(path).problems[0]
