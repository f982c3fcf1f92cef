"""Styles added only when a result needs one, and an equal existing one reused."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from lxml import etree

from .package import (
    REL_STYLES,
    local,
    q,
    read_part,
    relationships,
    rels_name,
    resolve,
)
from .parts import Package, child, ensure

HYPERLINK_COLOR = "FF0563C1"  # Excel's own "Hyperlink" style colour
TEXT_FORMAT = "49"  # the built-in "@" number format
#: CT_Stylesheet's children in schema order.
STYLES_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)  # fmt: skip


def _signature(element: etree._Element) -> tuple[object, ...]:
    return (
        local(element),
        tuple(sorted(element.attrib.items())),
        tuple(_signature(item) for item in element if isinstance(item.tag, str)),
    )


class Styles:
    def __init__(self, package: Package) -> None:
        self.package = package
        self.part: str | None = None
        rels = relationships(read_part(package.archive, rels_name(package.workbook)))
        for rel in rels:
            if rel.type == REL_STYLES:
                part = resolve(package.workbook, rel.target)
                if package.has(part):
                    self.part = part
        self._cache: dict[tuple[str, str | None], str] = {}

    def _root(self) -> etree._Element | None:
        return None if self.part is None else self.package.tree(self.part)

    def _list(self, name: str) -> etree._Element:
        root = self._root()
        assert root is not None
        return ensure(root, name, STYLES_ORDER)

    def _items(self, name: str) -> list[etree._Element]:
        root = self._root()
        block = None if root is None else child(root, name)  # looking adds nothing
        return [] if block is None else [item for item in block if isinstance(item.tag, str)]

    def _index_of(self, name: str, element: etree._Element) -> int:
        """The index of an equal entry of ``name`` (fonts, fills, cellXfs), appending if none."""
        wanted = _signature(element)
        items = self._items(name)
        for index, item in enumerate(items):
            if _signature(item) == wanted:
                return index
        block = self._list(name)
        block.append(element)
        block.set("count", str(len(items) + 1))
        assert self.part is not None
        self.package.edited(self.part)
        return len(items)

    def _base_xf(self, style: str | None) -> etree._Element:
        xfs = self._items("cellXfs")
        index = int(style) if style and style.isdigit() else 0
        if index < len(xfs):
            return copy.deepcopy(xfs[index])
        xf = etree.Element(q("xf"))
        for name in ("numFmtId", "fontId", "fillId", "borderId", "xfId"):
            xf.set(name, "0")
        return xf

    def _font(self, xf: etree._Element) -> etree._Element:
        fonts = self._items("fonts")
        index = int(xf.get("fontId", "0") or 0)
        if index < len(fonts):
            return copy.deepcopy(fonts[index])
        return etree.Element(q("font"))

    def _derived(self, key: str, style: str | None, change: object) -> str:
        if self._root() is None:
            return style or "0"
        cached = self._cache.get((key, style))
        if cached is None:
            xf = self._base_xf(style)
            change(xf)  # type: ignore[operator]
            cached = str(self._index_of("cellXfs", xf))
            self._cache[(key, style)] = cached
        return cached

    def _hyperlink_style(self) -> str | None:
        """The workbook's own "Hyperlink" cell style (built-in 8), as its cellStyleXfs index."""
        for cell_style in self._items("cellStyles"):
            if cell_style.get("builtinId") == "8" and (cell_style.get("xfId") or "").isdigit():
                index = cell_style.get("xfId")
                if index is not None and int(index) < len(self._items("cellStyleXfs")):
                    return index
        return None

    def hyperlink(self, style: str | None) -> str:
        def blue_underlined(xf: etree._Element) -> None:
            own = self._hyperlink_style()
            if own is not None:
                # The workbook's Hyperlink style already says how a link looks (its theme's
                # link colour): the cell takes that style's font and names the style.
                named = self._items("cellStyleXfs")[int(own)]
                xf.set("xfId", own)
                xf.set("fontId", named.get("fontId", "0"))
                xf.set("applyFont", "1")
                return
            font = self._font(xf)
            for item in list(font):
                if isinstance(item.tag, str) and local(item) in ("u", "color"):
                    font.remove(item)
            underline = etree.Element(q("u"))
            color = etree.Element(q("color"))
            color.set("rgb", HYPERLINK_COLOR)
            _insert_font_child(font, underline, ("vertAlign", "sz", "color", "name", "family"))
            _insert_font_child(font, color, ("name", "family", "charset", "scheme"))
            xf.set("fontId", str(self._index_of("fonts", font)))
            xf.set("applyFont", "1")

        return self._derived("hyperlink", style, blue_underlined)

    def text_format(self, style: str | None) -> str:
        def as_text(xf: etree._Element) -> None:
            xf.set("numFmtId", TEXT_FORMAT)
            xf.set("applyNumberFormat", "1")

        return self._derived("text", style, as_text)

    def bold(self, size: int | None = None, shade: str | None = None) -> str:
        """A style for the Summary sheet: bold (at ``size``), optionally on a solid ``shade``."""

        def emphasis(xf: etree._Element) -> None:
            font = self._font(xf)
            for item in list(font):
                if isinstance(item.tag, str) and local(item) == "b":
                    font.remove(item)
            font.insert(0, etree.Element(q("b")))
            if size is not None:
                for item in list(font):
                    if isinstance(item.tag, str) and local(item) == "sz":
                        font.remove(item)
                big = etree.Element(q("sz"))
                big.set("val", str(size))
                _insert_font_child(font, big, ("color", "name", "family", "charset", "scheme"))
            xf.set("fontId", str(self._index_of("fonts", font)))
            xf.set("applyFont", "1")
            if shade is not None:
                fill = etree.Element(q("fill"))
                pattern = etree.SubElement(fill, q("patternFill"))
                pattern.set("patternType", "solid")
                etree.SubElement(pattern, q("fgColor")).set("rgb", "FF" + shade)
                etree.SubElement(pattern, q("bgColor")).set("indexed", "64")
                xf.set("fillId", str(self._index_of("fills", fill)))
                xf.set("applyFill", "1")

        return self._derived(f"bold{size}{shade}", None, emphasis)


def _insert_font_child(font: etree._Element, new: etree._Element, before: Iterable[str]) -> None:
    names = set(before)
    for index, existing in enumerate(font):
        if isinstance(existing.tag, str) and local(existing) in names:
            font.insert(index, new)
            return
    font.append(new)
