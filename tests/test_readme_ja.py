"""README.ja.md stays in step with README.md (issue 15).

Pure text, no import of batch_zoom. README.md is the original; README.ja.md translates its prose
and keeps what is a contract word for word: code blocks, commands, flags, column names, status
values, file names, environment variables, examples of what a cell may hold. The tests say which
English section a difference is in and what to do about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EN_PATH = ROOT / "README.md"
JA_PATH = ROOT / "README.ja.md"

ADVICE = "When README.md changes, README.ja.md changes with it (README.md, For developers)."

_FENCE = re.compile(r"^```[^\n]*\n.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
_SPAN = re.compile(r"`([^`\n]+(?:\n[^`\n]+)*)`")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")


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
    """A span is kept if README.ja.md has it; its '…' stands for whatever the Japanese shows there
    (README.md abbreviates messages: `7行目: 所要時間「abc」は…`)."""
    pattern = re.compile(".*?".join(re.escape(part.strip()) for part in english.split("…")))
    return any(pattern.search(span) for span in japanese_spans)


def _only_code(cell: str) -> bool:
    """A cell of nothing but words in backticks (`created`, `topic`), numbers and separators:
    nothing in it to translate. (A quoted message may be shown in Japanese beside its English.)"""
    return bool(cell) and not re.sub(r"`[^`\s]*`|[\d\s,/]", "", cell)


@pytest.fixture(scope="module")
def en() -> Readme:
    return Readme("README.md", EN_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ja() -> Readme:
    assert JA_PATH.exists(), f"README.ja.md is missing beside README.md. {ADVICE}"
    return Readme("README.ja.md", JA_PATH.read_text(encoding="utf-8"))


def test_each_links_to_the_other_from_its_first_lines(en: Readme, ja: Readme) -> None:
    assert "[日本語](README.ja.md)" in en.text.splitlines()[:4], (
        "README.md should link to the Japanese README right under its title: [日本語](README.ja.md)"
    )
    assert "[English](README.md)" in ja.text.splitlines()[:4], (
        "README.ja.md should link back right under its title: [English](README.md)"
    )


def test_the_same_sections(en: Readme, ja: Readme) -> None:
    english = [heading for heading, _ in en.sections[1:]]
    japanese = [heading for heading, _ in ja.sections[1:]]
    width = max(len(english), len(japanese))
    side_by_side = "\n".join(
        f"  {e:<32} | {j}"
        for e, j in zip(
            english + [""] * (width - len(english)),
            japanese + [""] * (width - len(japanese)),
            strict=True,
        )
    )
    assert len(english) == len(japanese), (
        f"README.md has {len(english)} '##' sections, README.ja.md {len(japanese)}; they should "
        f"match one for one, in the same order:\n{side_by_side}\n{ADVICE}"
    )


def test_every_code_block_is_kept_verbatim(en: Readme, ja: Readme) -> None:
    missing = [block for block in en.code_blocks if block not in ja.code_blocks]
    assert not missing, (
        "README.ja.md should hold every fenced code block of README.md exactly as it is (commands "
        "are the contract); not found there:\n\n" + "\n\n".join(missing) + f"\n\n{ADVICE}"
    )
    assert len(en.code_blocks) == len(ja.code_blocks), (
        f"README.md has {len(en.code_blocks)} code blocks, README.ja.md {len(ja.code_blocks)}"
    )


def test_every_flag_is_mentioned(en: Readme, ja: Readme) -> None:
    missing = sorted(set(_FLAG.findall(en.text)) - set(_FLAG.findall(ja.text)))
    assert not missing, f"README.md mentions {', '.join(missing)}; README.ja.md does not. {ADVICE}"


def test_every_backticked_word_is_kept(en: Readme, ja: Readme) -> None:
    """Status values, column names, file names, variables, values and examples, in backticks.
    A message README.md quotes may be shown in Japanese, but its English stays beside it (as
    `--lang en` prints it), so every span of README.md is found in README.ja.md."""
    missing = []
    for heading, body in en.sections:
        for span in Readme(en.name, body).spans:
            if not _spans_match(span, ja.spans):
                missing.append(f"  {heading}: `{span}`")
    assert not missing, (
        "README.ja.md should keep these backticked words of README.md exactly (statuses, columns, "
        "files, variables, examples; beside a Japanese message, the English one):\n"
        + "\n".join(dict.fromkeys(missing))
        + f"\n{ADVICE}"
    )


def test_the_same_images(en: Readme, ja: Readme) -> None:
    assert _IMAGE.findall(en.text) == _IMAGE.findall(ja.text), (
        f"the images should be the same files in the same order: README.md "
        f"{_IMAGE.findall(en.text)}, README.ja.md {_IMAGE.findall(ja.text)}"
    )


def test_the_same_tables_with_the_same_rows(en: Readme, ja: Readme) -> None:
    if len(en.sections) != len(ja.sections):
        pytest.skip("the sections differ (test_the_same_sections says how)")
    problems = []
    for (heading, en_body), (_, ja_body) in zip(en.sections, ja.sections, strict=True):
        en_tables, ja_tables = _tables(en_body), _tables(ja_body)
        if len(en_tables) != len(ja_tables):
            problems.append(
                f"  {heading}: {len(en_tables)} tables in README.md, "
                f"{len(ja_tables)} in README.ja.md"
            )
            continue
        for en_table, ja_table in zip(en_tables, ja_tables, strict=True):
            if len(en_table) != len(ja_table):
                english_rows = {row[0] for row in en_table}
                japanese_rows = {row[0] for row in ja_table}
                new = [first for first in english_rows - japanese_rows if _only_code(first)]
                problems.append(
                    f"  {heading}, the table headed {' | '.join(en_table[0])}: "
                    f"{len(en_table)} rows in README.md, {len(ja_table)} in README.ja.md"
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
        "README.ja.md should have the same tables as README.md, row for row in the same order, "
        "cells that are only code unchanged:\n" + "\n".join(problems) + f"\n{ADVICE}"
    )


def test_the_header_aliases_are_kept(en: Readme, ja: Readme) -> None:
    """The columns table's first two cells are what a sheet's headers are matched against."""

    def columns_table(readme: Readme) -> list[list[str]]:
        for _, body in readme.sections:
            for table in _tables(body):
                if len(table) > 1 and table[1][0] == "`topic`":
                    return table[1:]
        raise AssertionError(f"{readme.name} has no columns table (a row starting with `topic`)")

    english = [row[:2] for row in columns_table(en)]
    japanese = [row[:2] for row in columns_table(ja)]
    differ = [f"  {e}  vs  {j}" for e, j in zip(english, japanese, strict=False) if e != j]
    assert english == japanese, (
        "the columns table of README.ja.md should list the same columns and header aliases as "
        "README.md, in the same order:\n" + "\n".join(differ) + f"\n{ADVICE}"
    )
