"""Papers whose text attacks a terminal UI: markup, escape sequences, bidi tricks, huge fields.

Each is a normal daily item with some fields replaced, listed on the corpus' newest day with
upvotes above any regular paper so it sits at the top of that day's list.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tests.fakehub.items import HOSTILE_SLOT_BASE, ItemMaker
from tests.fakehub.words import wrap

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # sets the clipboard to "echo pwned"
OSC52_ST = "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
CLICK = "[@click=app.quit]x[/]"

# (kind, title, summary or None to keep a generated one)
CASES: tuple[tuple[str, str, str | None], ...] = (
    (
        "click",
        CLICK,
        "Clicking [@click=app.quit]here[/] quits; [link=https://evil.example]x[/link].",
    ),
    (
        "unbalanced",
        "Unclosed [b]bold, a stray [/ and a [red]colour",
        "Markup pieces: [/ and [b] and [/] and [/b] and [[ and ]] and [$var] and [ and ].",
    ),
    (
        "ansi",
        "\x1b[31mRed alert\x1b[0m: ANSI \x1b[1;5mblinking\x1b[0m in titles",
        "Clear the screen\x1b[2J\x1b[H then \x1b[31mred\x1b[0m, cursor \x1b[10;10H moved,\n"
        "and an 8-bit CSI \x9b31m too.",
    ),
    (
        "osc",
        f"Clipboard {OSC52} hijack",
        f"OSC 52 with ST {OSC52_ST} and a hyperlink {OSC8} and DCS \x1bPq#0;2;0;0;0\x1b\\ end.",
    ),
    (
        "bidi",
        "Bidi \u202etxet desrever\u202c and \u2066isolate\u2069 with \u200bzero\u200dwidth\ufeff",
        "Right-to-left override \u202egnirts\u202c, \u2067isolates\u2069, \u200fmarks\u200e "
        "and a \u2028line separator.",
    ),
    ("authors500", "A Paper with Five Hundred Authors", None),
    ("huge_abstract", "A 60,000-Character Abstract", None),
    ("empty_title", "", "This paper has an empty title."),
    (
        "cjk_emoji",
        "大型语言模型的推理能力研究 🚀🤗: 한국어 제목과 日本語のタイトル 👩‍🔬🏳️‍🌈",
        "我们提出了一种新的方法，用于提高大型语言模型的推理能力。全角文字：ＡＢＣ１２３。"
        "絵文字 🚀🤗👩‍🔬 and combining marks: e\u0301 a\u0308 Z\u0335\u0321a\u0337\u0322lgo.",
    ),
    (
        "controls",
        "Control\x00chars\x07bell\x08back\x7fdel\x85nel\tTab",
        "Carriage\r\nreturns,\x0cform feeds,\x0bvertical tabs and a NUL \x00 in the abstract.",
    ),
)

KINDS = tuple(kind for kind, _, _ in CASES)


def _huge_abstract(maker: ItemMaker, rng: random.Random) -> str:
    parts: list[str] = []
    size = 0
    while size < 61_000:
        chunk = maker.vocab.text(rng, 200)
        parts.append(chunk)
        size += len(chunk) + 1
    return wrap(" ".join(parts)[:60_000], 80)


def _poison_authors(authors: list[dict[str, Any]]) -> None:
    """Put hostile text in a few author names (kept in place so counts do not change)."""
    bad = ("[b]Bold Author[/b]", "\x1b[31mRed Author\x1b[0m", "Evil \u202eevil\u202c", CLICK)
    for k, name in enumerate(bad):
        if k < len(authors):
            authors[k]["name"] = name


def hostile_items(maker: ItemMaker, day: dt.date) -> list[dict[str, Any]]:
    """One item per case in :data:`CASES`, listed on ``day``."""
    rng = random.Random(f"hostile:{maker.seed}:{day.isoformat()}")
    out: list[dict[str, Any]] = []
    for i, (kind, title, summary) in enumerate(CASES):
        item = maker.item(rng, day, HOSTILE_SLOT_BASE + i)
        paper = item["paper"]
        if kind == "authors500":
            first = int(paper["authors"][0]["_id"], 16)
            names = maker.people.names
            paper["authors"] = [
                {"_id": f"{first + 4 * k:024x}", "name": names[k * 7 % len(names)], "hidden": False}
                for k in range(500)
            ]
        if kind == "huge_abstract":
            summary = _huge_abstract(maker, rng)
        _poison_authors(paper["authors"])
        paper["title"] = item["title"] = title
        if summary is not None:
            paper["summary"] = item["summary"] = summary
        paper["upvotes"] = 9999 - i
        paper["ai_keywords"] = [CLICK, "[b]keyword", "\x1b[31mred keyword"]
        paper["ai_summary"] = f"AI summary with {CLICK} and {OSC52}."
        paper["githubRepo"] = "https://github.com/evil/[@click=app.quit]repo[/]"
        paper["githubStars"] = 7
        paper["submittedOnDailyBy"]["fullname"] = "\x1b[31m[b]Submitter[/b]"
        item["submittedBy"]["fullname"] = "\x1b[31m[b]Submitter[/b]"
        org = {
            "_id": "0" * 24,
            "name": "[evil]",
            "fullname": f"Org {CLICK} \x1b[31mred",
            "avatar": "https://example.invalid/a.png",
        }
        paper["organization"] = item["organization"] = org
        out.append(item)
    return out


# Strings for the break-it suite (tests/breakit/test_hostile_text.py): markup that would act
# (links, clicks, styles), markup that would crash (unbalanced, bad tags), terminal escapes of
# every family (CSI, OSC 52 clipboard, OSC 8 links, DCS, APC, PM, SOS, 8-bit C1), controls,
# bidi and invisible characters, and shapes that stress layout. Each is a whole field value.
HOSTILE_STRINGS: tuple[str, ...] = (
    "[b]bold[/b]",
    "[link=https://evil.example]x",
    "[link=https://evil.example]x[/link]",
    "[@click=app.quit]x[/]",
    "[@click=app.quit]",
    "[@click=screen.dismiss]x[/]",
    "[@click=app.bell()]ring[/]",
    "[on red]background[/]",
    "[red]unclosed",
    "[/]",
    "[/",
    "[/b] closing nothing",
    "[[double]]",
    "[$accent]var[/]",
    "[b][i][u]nested",
    "[link='javascript:alert(1)']js[/link]",
    "[#ff0000]hex colour[/]",
    "[reverse blink]x[/]",
    "\\[escaped\\]",
    "[",
    "]",
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[Hcleared",
    "\x1b[10;10Hmoved",
    "\x1b[?1049h alt screen",
    "\x1b[6n report cursor",
    "\x1b[1;5mblink",
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\",
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "\x1b]0;window title\x07",
    "\x1b]2;title\x1b\\",
    "\x1bP+q544e\x1b\\",
    "\x1b_APC payload\x1b\\",
    "\x1b^PM payload\x1b\\",
    "\x1bXSOS payload\x1b\\",
    "\x1b]1337;File=inline=1:AAAA\x07",
    "\x9b31m8-bit CSI",
    "\x9d52;c;ZWNobw==\x9c",
    "\x90DCS 8-bit\x9c",
    "lone ESC \x1b at the end\x1b",
    "\x1b[",
    "bell\x07bell",
    "back\x08space",
    "NUL\x00byte",
    "del\x7fete",
    "carriage\rreturn",
    "form\x0cfeed",
    "\u202eevil reversed\u202c",
    "\u2066isolate\u2069 \u2067rtl\u2069",
    "zero\u200bwidth\u200dj\ufeffbom",
    "\u115f\u3164hangul fillers",
    "tag chars \U000e0041\U000e0042",
    "\ud800 lone surrogate",
    "Z\u0335\u0321a\u0337\u0322lgo \u0301\u0308",
    "大型语言模型 🚀👩‍🔬🏳️‍🌈",
    "x" * 5000,
    "%s %n %x {0} {title} $title ${title}",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
)
