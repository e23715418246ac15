"""Paper id normalisation: every accepted form gives the bare id, everything else is refused."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.hub.errors import HubError
from reader.hub.ids import InvalidPaperId, is_paper_id, normalize_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2502.16161", "2502.16161"),
        ("  2502.16161\n", "2502.16161"),
        ("2502.16161v2", "2502.16161"),
        ("2502.16161V12", "2502.16161"),
        ("0704.0001", "0704.0001"),  # 4-digit suffix (2007-2014)
        ("arxiv:2502.16161", "2502.16161"),
        ("arXiv:2502.16161v3", "2502.16161"),
        ("ARXIV: 2502.16161", "2502.16161"),
        ("https://arxiv.org/abs/2502.16161", "2502.16161"),
        ("https://arxiv.org/abs/2502.16161v2", "2502.16161"),
        ("http://arxiv.org/pdf/2502.16161", "2502.16161"),
        ("https://arxiv.org/pdf/2502.16161v1.pdf", "2502.16161"),
        ("https://export.arxiv.org/abs/2502.16161", "2502.16161"),
        ("https://arxiv.org/html/2502.16161v1", "2502.16161"),
        ("arxiv.org/abs/2502.16161", "2502.16161"),
        ("https://huggingface.co/papers/2502.16161", "2502.16161"),
        ("https://huggingface.co/papers/2502.16161.md", "2502.16161"),
        ("https://huggingface.co/papers/2502.16161/", "2502.16161"),
        ("https://huggingface.co/papers/2502.16161?utm=x#comments", "2502.16161"),
        ("hf.co/papers/2502.16161", "2502.16161"),
    ],
)
def test_accepted_forms(text: str, expected: str) -> None:
    assert normalize_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2502.161",  # 3-digit suffix: not padded, refused
        "2502.161611",
        "25021.6161",
        "2502-16161",
        "../x",
        "2502.16161/../..",
        "../../2502.16161",
        "2502.16161/",
        "2502.16161\x00",
        "2502.16161\n2502.16162",
        "\u0662\u0665\u0660\u0662.\u0661\u0666\u0661\u0666\u0661",  # Arabic-Indic digits
        "２５０２.１６１６１",  # full-width digits
        "https://arxiv.org/list/cs.CL/recent",
        "https://huggingface.co/papers/../../etc/passwd",
        "https://huggingface.co/papers/2502.16161/../../x",
        "file:///etc/passwd",
        "arxiv:",
        "2502.16161v",
    ],
)
def test_refused(text: str) -> None:
    with pytest.raises(InvalidPaperId):
        normalize_id(text)


@pytest.mark.parametrize(
    "text",
    ["hep-th/9901001", "math.GT/0309136v2", "arXiv:math/0611800v2", "https://arxiv.org/abs/hep-th/9901001"],
)
def test_old_style_ids_say_not_on_hugging_face(text: str) -> None:
    with pytest.raises(InvalidPaperId, match="not available on Hugging Face"):
        normalize_id(text)


def test_error_is_a_value_error_and_a_hub_error_with_a_safe_message() -> None:
    with pytest.raises(InvalidPaperId) as info:
        normalize_id("\x1b]52;c;SGVsbG8=\x07" + "x" * 200)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, HubError)
    message = str(info.value)
    assert "\x1b" not in message and "\n" not in message
    assert len(message) < 150


@given(st.text())
def test_anything_accepted_is_a_bare_ascii_id(text: str) -> None:
    try:
        result = normalize_id(text)
    except InvalidPaperId:
        return
    assert re.fullmatch(r"[0-9]{4}\.[0-9]{4,5}", result)
    assert is_paper_id(result)


def test_is_paper_id() -> None:
    assert is_paper_id("2502.16161")
    assert not is_paper_id("2502.16161v2")
    assert not is_paper_id("2502.16161\n")
