"""Each Japanese page stays in step with its English original (issues 15 and 24).

Pure text, no import of batch_zoom. README.md and each page of docs/ (docs/columns.md, ...) are
the originals; README.ja.md and docs/columns.ja.md, ... translate their prose and keep what is a
contract word for word: code blocks, commands, flags, column names, status values, file names,
environment variables, examples of what a cell may hold. Every test runs for each pair of pages,
and says which page and which English section a difference is in and what to do about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EN_PATHS = [ROOT / "README.md"] + sorted(
    path for path in (ROOT / "docs").glob("*.md") if not path.name.endswith(".ja.md")
)


def _twin(english: Path) -> Path:
    return english.with_name(english.name.removesuffix(".md") + ".ja.md")


ADVICE = (
    "When an English page changes, its Japanese twin changes with it (docs/developers.md, "
    "The documentation)."
)

# A fence may be indented, inside a list item.
_FENCE = re.compile(r"^[ \t]*```[^\n]*\n.*?^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
_SPAN = re.compile(r"`([^`\n]+(?:\n[^`\n]+)*)`")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
# A picture of the page in one language has its twin in the other (page_en.png, page_ja.png).
_IMAGE_LANGUAGE = re.compile(r"_en(?=\.\w+$)")


@dataclass(frozen=True)
class Readme:
    name: str
    text: str

    @property
    def code_blocks(self) -> list[str]:
        return _FENCE.findall(self.text)

    @property
    def prose(self) -> str:
        """The text without its fenced code blocks (a block may hold a '## ' line or a backtick)."""
        return _FENCE.sub("", self.text)

    @property
    def sections(self) -> list[tuple[str, str]]:
        """('## heading', body) for each level-2 section, and ('(top)', body) for what precedes."""
        parts = re.split(r"^(## .*)$", self.prose, flags=re.MULTILINE)
        return [("(top)", parts[0])] + list(zip(parts[1::2], parts[2::2], strict=True))

    @property
    def spans(self) -> list[str]:
        """Inline code spans, a span broken over lines read as one line."""
        return [" ".join(span.split()) for span in _SPAN.findall(self.prose)]


def _tables(body: str) -> list[list[list[str]]]:
    """The tables of a section: rows of cells, the separator row left out."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in body.splitlines():
        if line.startswith("|"):
            if current is None:
                current = []
                tables.append(current)
            if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+\s*", line):
                current.append([cell.strip() for cell in _cells(line)])
        else:
            current = None
    return tables


def _cells(line: str) -> list[str]:
    """Split a table row on the pipes outside code spans (`日付 | 曜日` is one cell)."""
    cells, cell, in_code = [], "", False
    for char in line.strip()[1:-1]:
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append(cell)
            cell = ""
        else:
            cell += char
    return [*cells, cell]


def _spans_match(english: str, japanese_spans: list[str]) -> bool:
    """A span is kept if the Japanese page has it; its '…' stands for whatever the Japanese shows
    there (docs/troubleshooting.md abbreviates messages: `7行目: 所要時間「abc」は…`)."""
    pattern = re.compile(".*?".join(re.escape(part.strip()) for part in english.split("…")))
    return any(pattern.search(span) for span in japanese_spans)


def _only_code(cell: str) -> bool:
    """A cell of nothing but words in backticks (`created`, `topic`), numbers and separators:
    nothing in it to translate. (A quoted message may be shown in Japanese beside its English.)"""
    return bool(cell) and not re.sub(r"`[^`\s]*`|[\d\s,/]", "", cell)


@pytest.fixture(scope="module", params=EN_PATHS, ids=lambda path: str(path.relative_to(ROOT)))
def english_path(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture(scope="module")
def en(english_path: Path) -> Readme:
    return Readme(str(english_path.relative_to(ROOT)), english_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ja(english_path: Path) -> Readme:
    japanese = _twin(english_path)
    assert japanese.exists(), (
        f"{japanese.relative_to(ROOT)} is missing beside {english_path.relative_to(ROOT)}. {ADVICE}"
    )
    return Readme(str(japanese.relative_to(ROOT)), japanese.read_text(encoding="utf-8"))


def test_a_japanese_page_has_its_english_original() -> None:
    japanese = {path for path in (ROOT / "docs").glob("*.ja.md")} | {ROOT / "README.ja.md"}
    orphans = sorted(str(path.relative_to(ROOT)) for path in japanese - set(map(_twin, EN_PATHS)))
    assert not orphans, f"Japanese pages without an English original: {orphans}"


def test_each_links_to_the_other_from_its_first_lines(en: Readme, ja: Readme) -> None:
    """Right under the title, on a line of its own or first on it (`· [README](...)` may follow)."""
    to_japanese = f"[日本語]({Path(ja.name).name})"
    to_english = f"[English]({Path(en.name).name})"
    assert any(line.startswith(to_japanese) for line in en.text.splitlines()[:4]), (
        f"{en.name} should link to its Japanese twin right under its title: {to_japanese}"
    )
    assert any(line.startswith(to_english) for line in ja.text.splitlines()[:4]), (
        f"{ja.name} should link back right under its title: {to_english}"
    )


def test_the_same_sections(en: Readme, ja: Readme) -> None:
    """The same headings one for one, each at the same level (the '###' groups of a page too)."""
    english = re.findall(r"^#{2,6} .*$", en.prose, flags=re.MULTILINE)
    japanese = re.findall(r"^#{2,6} .*$", ja.prose, flags=re.MULTILINE)
    width = max(len(english), len(japanese))
    side_by_side = "\n".join(
        f"  {e:<32} | {j}"
        for e, j in zip(
            english + [""] * (width - len(english)),
            japanese + [""] * (width - len(japanese)),
            strict=True,
        )
    )
    levels = [heading.split(" ", 1)[0] for heading in english]
    assert levels == [heading.split(" ", 1)[0] for heading in japanese], (
        f"{en.name} has {len(english)} headings, {ja.name} {len(japanese)}; they should "
        f"match one for one, at the same levels, in the same order:\n{side_by_side}\n{ADVICE}"
    )


def test_every_code_block_is_kept_verbatim(en: Readme, ja: Readme) -> None:
    missing = [block for block in en.code_blocks if block not in ja.code_blocks]
    assert not missing, (
        f"{ja.name} should hold every fenced code block of {en.name} exactly as it is (commands "
        "are the contract); not found there:\n\n" + "\n\n".join(missing) + f"\n\n{ADVICE}"
    )
    assert len(en.code_blocks) == len(ja.code_blocks), (
        f"{en.name} has {len(en.code_blocks)} code blocks, {ja.name} {len(ja.code_blocks)}"
    )


def test_every_flag_is_mentioned(en: Readme, ja: Readme) -> None:
    missing = sorted(set(_FLAG.findall(en.text)) - set(_FLAG.findall(ja.text)))
    assert not missing, f"{en.name} mentions {', '.join(missing)}; {ja.name} does not. {ADVICE}"


def test_every_backticked_word_is_kept(en: Readme, ja: Readme) -> None:
    """Status values, column names, file names, variables, values and examples, in backticks.
    A message an English page quotes may be shown in Japanese, but its English stays beside it
    (as `--lang en` prints it), so every span of the English page is found in its twin."""
    missing = []
    for heading, body in en.sections:
        for span in Readme(en.name, body).spans:
            if not _spans_match(span, ja.spans):
                missing.append(f"  {heading}: `{span}`")
    assert not missing, (
        f"{ja.name} should keep these backticked words of {en.name} exactly (statuses, columns, "
        "files, variables, examples; beside a Japanese message, the English one):\n"
        + "\n".join(dict.fromkeys(missing))
        + f"\n{ADVICE}"
    )


def test_the_same_images(en: Readme, ja: Readme) -> None:
    """The same files in the same order; a picture of the English page (`_en.png`) has the
    Japanese one (`_ja.png`) in its place."""
    english = [_IMAGE_LANGUAGE.sub("_ja", image) for image in _IMAGE.findall(en.text)]
    assert english == _IMAGE.findall(ja.text), (
        f"the images should be the same files in the same order: {en.name} "
        f"{_IMAGE.findall(en.text)}, {ja.name} {_IMAGE.findall(ja.text)}"
    )


def test_the_same_tables_with_the_same_rows(en: Readme, ja: Readme) -> None:
    if len(en.sections) != len(ja.sections):
        pytest.skip("the sections differ (test_the_same_sections says how)")
    problems = []
    for (heading, en_body), (_, ja_body) in zip(en.sections, ja.sections, strict=True):
        en_tables, ja_tables = _tables(en_body), _tables(ja_body)
        if len(en_tables) != len(ja_tables):
            problems.append(
                f"  {heading}: {len(en_tables)} tables in {en.name}, {len(ja_tables)} in {ja.name}"
            )
            continue
        for en_table, ja_table in zip(en_tables, ja_tables, strict=True):
            if len(en_table) != len(ja_table):
                english_rows = {row[0] for row in en_table}
                japanese_rows = {row[0] for row in ja_table}
                new = [first for first in english_rows - japanese_rows if _only_code(first)]
                problems.append(
                    f"  {heading}, the table headed {' | '.join(en_table[0])}: "
                    f"{len(en_table)} rows in {en.name}, {len(ja_table)} in {ja.name}"
                    + (f" (not in the Japanese table: {', '.join(sorted(new))})" if new else "")
                )
                continue
            for en_row, ja_row in zip(en_table, ja_table, strict=True):
                if len(en_row) != len(ja_row):
                    problems.append(f"  {heading}: the row {en_row[0]} has another number of cells")
                    continue
                for en_cell, ja_cell in zip(en_row, ja_row, strict=True):
                    if _only_code(en_cell) and en_cell != ja_cell:
                        problems.append(f"  {heading}: {en_cell} became {ja_cell}")
                ja_spans = Readme(ja.name, ja_row[0]).spans
                if not all(
                    _spans_match(span, ja_spans) for span in Readme(en.name, en_row[0]).spans
                ):
                    problems.append(
                        f"  {heading}: the row {en_row[0]} is not beside its translation "
                        f"(there: {ja_row[0]})"
                    )
    assert not problems, (
        f"{ja.name} should have the same tables as {en.name}, row for row in the same order, "
        "cells that are only code unchanged:\n" + "\n".join(problems) + f"\n{ADVICE}"
    )


def _columns_table(readme: Readme) -> list[list[str]] | None:
    for _, body in readme.sections:
        for table in _tables(body):
            if len(table) > 1 and table[1][0] == "`topic`":
                return table[1:]
    return None


def test_the_columns_table_is_in_docs_columns() -> None:
    holding = [
        path.relative_to(ROOT)
        for path in EN_PATHS
        if _columns_table(Readme(path.name, path.read_text(encoding="utf-8"))) is not None
    ]
    assert holding == [Path("docs/columns.md")], (
        f"the columns table (a row starting with `topic`) should be in docs/columns.md only, "
        f"found in {holding}"
    )


def test_the_header_aliases_are_kept(en: Readme, ja: Readme) -> None:
    """The columns table's first two cells are what a sheet's headers are matched against."""
    english_table, japanese_table = _columns_table(en), _columns_table(ja)
    if english_table is None:
        assert japanese_table is None, f"{ja.name} has a columns table, {en.name} none"
        return
    assert japanese_table is not None, (
        f"{ja.name} has no columns table (a row starting with `topic`)"
    )
    english = [row[:2] for row in english_table]
    japanese = [row[:2] for row in japanese_table]
    differ = [f"  {e}  vs  {j}" for e, j in zip(english, japanese, strict=False) if e != j]
    assert english == japanese, (
        f"the columns table of {ja.name} should list the same columns and header aliases as "
        f"{en.name}, in the same order:\n" + "\n".join(differ) + f"\n{ADVICE}"
    )
