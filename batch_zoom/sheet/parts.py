"""The package being edited: every zip entry copied as it is, except the parts that change.

``Package`` hands out parsed parts (``tree``), records which were edited, added or removed, and
writes the zip back with the same names, order and compression; ``Rels`` is one relationships
part. The helpers below put a new element where the OOXML schema orders it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from lxml import etree

from .package import (
    CONTENT_TYPES,
    MAIN,
    PACKAGE_REL,
    local,
    open_package,
    parse,
    q,
    read_part,
    rels_name,
    serialize,
    workbook_part,
)

WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"

#: What a package that is not what it claims to be makes zipfile and lxml raise.
BROKEN = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    etree.LxmlError,
    KeyError,
    ValueError,
    EOFError,
)


class PackageError(Exception):
    """The package is not one we can edit safely (missing or unreadable parts)."""


class Package:
    def __init__(self, source: bytes) -> None:
        self.archive = open_package(source)
        self.infos = self.archive.infolist()
        self.names = {info.filename for info in self.infos}
        self.workbook = workbook_part(self.archive)
        self._trees: dict[str, etree._Element] = {}
        self._edited: set[str] = set()
        self._added: dict[str, bytes] = {}
        self._removed: set[str] = set()
        self._bytes: dict[str, bytes] = {}
        self._rels: dict[str, Rels] = {}

    def has(self, name: str) -> bool:
        return (name in self.names or name in self._added) and name not in self._removed

    def tree(self, name: str) -> etree._Element:
        """The part parsed (once); call ``edited`` when it is changed."""
        if name not in self._trees:
            data = self._added.get(name) or read_part(self.archive, name)
            if data is None:
                raise KeyError(f"{name} is missing")
            self._trees[name] = parse(data)
        return self._trees[name]

    def edited(self, name: str) -> None:
        self._edited.add(name)

    def put_bytes(self, name: str, data: bytes) -> None:
        """The part's new content, already serialized (the meeting sheet)."""
        self._bytes[name] = data
        self._edited.add(name)

    def replace(self, name: str, root: etree._Element) -> None:
        self._trees[name] = root
        self._edited.add(name)

    def add(self, name: str, root: etree._Element) -> None:
        self._added[name] = b""
        self._trees[name] = root
        self._edited.add(name)

    def remove(self, name: str) -> None:
        self._removed.add(name)

    def unused_name(self, pattern: str) -> str:
        number = 1
        while self.has(pattern.format(number)):
            number += 1
        return pattern.format(number)

    def rels(self, part: str) -> Rels:
        name = rels_name(part)
        if name in self._rels:
            return self._rels[name]
        if not self.has(name):
            self.add(
                name, etree.Element(q("Relationships", PACKAGE_REL), nsmap={None: PACKAGE_REL})
            )
            if self.content_type(name) is None:  # every package has it; a hand-made one may not
                types = self.tree("[Content_Types].xml")
                default = etree.Element(q("Default", CONTENT_TYPES))
                default.set("Extension", "rels")
                default.set("ContentType", RELS_TYPE)
                types.insert(0, default)
                self.edited("[Content_Types].xml")
        self._rels[name] = Rels(self, name)
        return self._rels[name]

    def content_type(self, part: str) -> str | None:
        types = self.tree("[Content_Types].xml")
        for entry in types:
            is_override = isinstance(entry.tag, str) and local(entry) == "Override"
            if is_override and entry.get("PartName", "").lstrip("/") == part:
                return entry.get("ContentType")
        extension = part.rsplit(".", 1)[-1].lower()
        for entry in types:
            is_default = isinstance(entry.tag, str) and local(entry) == "Default"
            if is_default and entry.get("Extension", "").lower() == extension:
                return entry.get("ContentType")
        return None

    def save(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", allowZip64=True) as target:
            for info in self.infos:
                name = info.filename
                if name in self._removed:
                    continue
                if name in self._bytes:
                    data = self._bytes[name]
                elif name in self._edited:
                    data = serialize(self._trees[name])
                else:
                    data = self.archive.read(name)
                target.writestr(_copy_info(info), data)
            for name in self._added:
                if name in self._removed:
                    continue
                info = zipfile.ZipInfo(name, date_time=_newest(self.infos))
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, serialize(self._trees[name]))
        return buffer.getvalue()


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    twin = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    twin.compress_type = info.compress_type
    twin.comment = info.comment
    twin.extra = info.extra
    twin.create_system = info.create_system
    twin.external_attr = info.external_attr
    twin.internal_attr = info.internal_attr
    return twin


def _newest(infos: Sequence[zipfile.ZipInfo]) -> tuple[int, int, int, int, int, int]:
    stamps = [info.date_time for info in infos if info.date_time[0] >= 1980]
    return max(stamps) if stamps else (1980, 1, 1, 0, 0, 0)


class Rels:
    """One relationships part."""

    def __init__(self, package: Package, name: str) -> None:
        self.package = package
        self.name = name
        self.root = package.tree(name)
        self._by_id = {rel.get("Id"): rel for rel in self.entries()}
        self._next = len(self._by_id) + 1

    def entries(self) -> list[etree._Element]:
        return [
            rel for rel in self.root if isinstance(rel.tag, str) and local(rel) == "Relationship"
        ]

    def get(self, rel_id: str) -> etree._Element | None:
        return self._by_id.get(rel_id)

    def add(self, rel_type: str, target: str, *, external: bool = False) -> str:
        while f"rId{self._next}" in self._by_id:
            self._next += 1
        rel_id = f"rId{self._next}"
        rel = etree.SubElement(self.root, q("Relationship", PACKAGE_REL))
        rel.set("Id", rel_id)
        rel.set("Type", rel_type)
        rel.set("Target", target)
        if external:
            rel.set("TargetMode", "External")
        self._by_id[rel_id] = rel
        self.package.edited(self.name)
        return rel_id

    def drop(self, rel_id: str) -> None:
        rel = self._by_id.pop(rel_id, None)
        if rel is not None:
            self.root.remove(rel)
            self.package.edited(self.name)


def child(parent: etree._Element, name: str) -> etree._Element | None:
    return parent.find(q(name, etree.QName(parent).namespace or MAIN))


def place(parent: etree._Element, element: etree._Element, order: Sequence[str]) -> None:
    """Insert ``element`` before the first child that the schema puts after it."""
    after = set(order[order.index(local(element)) + 1 :])
    for index, child in enumerate(parent):
        if isinstance(child.tag, str) and local(child) in after:
            parent.insert(index, element)
            return
    parent.append(element)


def ensure(parent: etree._Element, name: str, order: Sequence[str]) -> etree._Element:
    found = child(parent, name)
    if found is None:
        found = etree.Element(q(name, etree.QName(parent).namespace or MAIN))
        place(parent, found, order)
    return found


def with_namespace(root: etree._Element, prefix: str, uri: str) -> etree._Element:
    """``root`` declaring ``uri``; a copy of it with the declaration added when it lacks one."""
    if uri in root.nsmap.values():
        return root
    nsmap = dict(root.nsmap)
    while prefix in nsmap:
        prefix += "x"
    nsmap[prefix] = uri
    twin = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    twin.text = root.text
    for child in list(root):
        twin.append(child)
    return twin


def sheet_names(package: Package) -> list[str]:
    """Every sheet's name (chart sheets too), in workbook order."""
    sheets = child(package.tree(package.workbook), "sheets")
    found = sheets if sheets is not None else []
    return [s.get("name", "") for s in found if isinstance(s.tag, str)]
