"""The README and the pages of docs/ hold together (issue 24).

Every relative link and ``#anchor`` between README.md, README.ja.md and docs/*.md resolves, the way
GitHub renders them; every page is reached from the README of its language; and the columns table
of docs/columns.md is the code's own list of header aliases (``COLUMN_ALIASES`` in
batch_zoom/models.py, read by batch_zoom/sheet/columns.py) and names each field the way a Japanese
message does (batch_zoom/fields.py). Pure text, plus those two tables of the code.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted([ROOT / "README.md", ROOT / "README.ja.md", *DOCS.glob("*.md")])

# Issue 22's screenshots are taken by the page's browser tests; until they are committed a link
# to them is reported as a skip, by name, and every other missing file fails.
AWAITED = {DOCS / "images" / "page_en.png", DOCS / "images" / "page_ja.png"}

_FENCE = re.compile(r"^[ \t]*```[^\n]*\n.*?^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
_SPAN = re.compile(r"`[^`\n]+`")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: its rendered text in lower case, punctuation and symbols
    dropped (letters of any script, digits, marks, '-' and '_' stay), each space a '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", text)  # code and emphasis marks are not text
    kept = (
        char for char in text.lower() if char in " -_" or unicodedata.category(char)[0] in "LNM"
    )
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Each heading's anchor; a repeated one gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for _, heading in _HEADING.findall(_FENCE.sub("", path.read_text(encoding="utf-8"))):
        anchor = github_anchor(heading)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


def links(path: Path) -> list[str]:
    """The link targets of a page, outside code blocks and code spans."""
    prose = _SPAN.sub("", _FENCE.sub("", path.read_text(encoding="utf-8")))
    return _LINK.findall(prose)


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("When things go wrong", "when-things-go-wrong"),
        ("How a meeting is recognised", "how-a-meeting-is-recognised"),
        ("Try it first: `--dry-run` and `--check`", "try-it-first---dry-run-and---check"),
        ("What you see, and what to do", "what-you-see-and-what-to-do"),
        ("ミーティングの見分け方", "ミーティングの見分け方"),
        ("本番の実行: 4つの手順", "本番の実行-4つの手順"),
        ("まず試す: `--dry-run` と `--check`", "まず試す---dry-run-と---check"),
        ("うまくいかないとき（表示と対処）", "うまくいかないとき表示と対処"),
        ("A **pool** of hosts_list", "a-pool-of-hosts_list"),
        ("Statuses and exit statuses", "statuses-and-exit-statuses"),
    ],
)
def test_anchors_are_made_as_github_makes_them(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_a_repeated_heading_gets_a_number(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Notes\n\n## Notes\n\n```\n## not a heading\n```\n", encoding="utf-8")
    assert anchors(page) == {"notes", "notes-1"}


def test_every_page_has_its_twin() -> None:
    english = {path.name.removesuffix(".md") for path in PAGES if not path.name.endswith(".ja.md")}
    japanese = {path.name.removesuffix(".ja.md") for path in PAGES if path.name.endswith(".ja.md")}
    assert english == japanese, (
        f"pages in one language only: {sorted(english ^ japanese)} (each docs/X.md has a "
        "Japanese twin docs/X.ja.md)"
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_and_anchor_resolves(page: Path) -> None:
    broken, awaited = [], []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not ours to check
            continue
        file_part, _, anchor = target.partition("#")
        linked = (page.parent / file_part).resolve() if file_part else page
        if not linked.exists():
            (awaited if linked in AWAITED else broken).append(f"{target} (no such file)")
        elif anchor and anchor not in anchors(linked):
            broken.append(f"{target} (no heading of {linked.name} has that anchor)")
    assert not broken, f"{page.relative_to(ROOT)} links to what is not there: {broken}"
    if awaited:
        pytest.skip(f"issue 22's screenshots are not committed yet: {awaited}")


@pytest.mark.parametrize("readme", ["README.md", "README.ja.md"])
def test_every_page_is_linked_from_the_readme_of_its_language(readme: str) -> None:
    japanese = readme.endswith(".ja.md")
    pages = {
        path.resolve() for path in DOCS.glob("*.md") if path.name.endswith(".ja.md") == japanese
    }
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in links(ROOT / readme)}
    missing = sorted(str(path.relative_to(ROOT)) for path in pages - linked)
    assert not missing, f"{readme} should link to every page of its language; not to {missing}"


# --- the columns table is the code's table ---------------------------------------------------


def _columns_rows(path: Path) -> list[tuple[list[str], list[str]]]:
    """(fields, aliases listed) for each row of the columns table (rows whose first cell names
    fields in backticks; an alias cell is split on commas outside code spans)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        first, aliases = (cell.strip() for cell in line.strip().strip("|").split("|")[:2])
        fields = [name.strip().strip("`") for name in first.split(",")]
        rows.append((fields, [alias.strip() for alias in aliases.split(",") if alias.strip()]))
    return rows


@pytest.mark.parametrize("page", ["columns.md", "columns.ja.md"])
def test_the_columns_table_lists_exactly_the_codes_aliases(page: str) -> None:
    """A row for one field is checked by tests/test_timetable_forms.py as well; here a row of
    several fields (the five yes/no options; the columns written) lists exactly their aliases too,
    fields with a row of their own aside, and no row abbreviates with '…'."""
    from batch_zoom.models import COLUMN_ALIASES, normalize_header

    rows = _columns_rows(DOCS / page)
    assert rows, f"docs/{page} has no columns table"
    own_row = {fields[0] for fields, _ in rows if len(fields) == 1}
    problems = []
    for fields, listed in rows:
        unknown = [name for name in fields if name not in COLUMN_ALIASES]
        if unknown:
            problems.append(f"{fields}: no such field in COLUMN_ALIASES: {unknown}")
            continue
        if "…" in listed:
            problems.append(f"{fields}: lists '…' instead of its aliases")
        named = [name for name in fields if len(fields) == 1 or name not in own_row]
        expected = {
            normalize_header(alias)
            for name in named
            for alias in COLUMN_ALIASES[name]
            if alias != name
        }
        got = {normalize_header(alias) for alias in listed if alias != "…"}
        if got != expected:
            problems.append(
                f"{fields}: listed but not aliases {sorted(got - expected)}, "
                f"aliases not listed {sorted(expected - got)}"
            )
    listed_fields = {name for fields, _ in rows for name in fields}
    if set(COLUMN_ALIASES) - listed_fields:
        problems.append(f"fields with no row: {sorted(set(COLUMN_ALIASES) - listed_fields)}")
    assert not problems, f"docs/{page} and COLUMN_ALIASES differ:\n  " + "\n  ".join(problems)


def test_each_field_is_listed_under_the_header_japanese_messages_call_it() -> None:
    """A Japanese message names a field by its usual header (fields.py, through the catalog);
    a user who copies that header into a sheet must find it in the table, and the sheet reads it."""
    from babel.messages.pofile import read_po

    from batch_zoom.fields import FIELD_LABELS
    from batch_zoom.models import COLUMN_ALIASES, normalize_header

    po = ROOT / "batch_zoom" / "locale" / "ja" / "LC_MESSAGES" / "batch_zoom.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    listed: dict[str, set[str]] = {}
    for fields, aliases in _columns_rows(DOCS / "columns.ja.md"):
        for name in fields:
            listed.setdefault(name, set()).update(normalize_header(alias) for alias in aliases)
    problems = []
    for name, label in FIELD_LABELS.items():
        message = catalog.get(label)
        japanese = message.string if message is not None and message.string else label
        if normalize_header(japanese) not in {normalize_header(a) for a in COLUMN_ALIASES[name]}:
            problems.append(f"{name}: '{japanese}' is not an alias the sheet accepts")
        elif normalize_header(japanese) not in listed.get(name, set()):
            problems.append(f"{name}: '{japanese}' is not listed in docs/columns.ja.md")
    assert not problems, "\n".join(problems)
