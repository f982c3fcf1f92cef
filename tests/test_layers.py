"""Dependencies point one way (docs/developers.md; STYLE.md):

    cli -> run -> (sheet, rows, zoom, publish) -> base (models, errors, config, cells, ...)

The four stages never import one another, and the sandbox imports nothing from the rest, so that
it stays an emulator of Zoom and not a second copy of our own rules. Every import of every module
is read from its source (imports inside functions too) and checked against that rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "batch_zoom"
STAGES = ("sheet", "rows", "zoom", "publish")

#: Which layers each layer may import (its own always).
ALLOWED = {
    "base": {"base"},
    **{stage: {stage, "base"} for stage in STAGES},
    "run": {"run", *STAGES, "base"},
    "cli": {"cli", "run", *STAGES, "base", "sandbox"},  # --sandbox starts the emulator
    "sandbox": {"sandbox"},
}


def layer(module: str) -> str:
    """``batch_zoom.sheet.read`` -> ``sheet``; ``batch_zoom.models`` -> ``base``."""
    parts = module.split(".")
    assert parts[0] == "batch_zoom", module
    if len(parts) == 1:
        return "base"  # the package itself: __version__
    top = parts[1]
    if top in (*STAGES, "run", "sandbox"):
        return top
    return "cli" if top in ("cli", "__main__") else "base"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, module imported) for each import of ``batch_zoom`` code in ``path``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("batch_zoom")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if not target.startswith("batch_zoom"):
                continue
            if node.module is None:  # from .. import x: x may be a module of that package
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return found


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("batch_zoom.sheet.read", "batch_zoom.sheet.columns", True),
        ("batch_zoom.sheet.read", "batch_zoom.rows.columns", False),  # sideways between stages
        ("batch_zoom.rows.validate", "batch_zoom.fields", True),
        ("batch_zoom.zoom.client", "batch_zoom.run.session", False),  # upwards
        ("batch_zoom.models", "batch_zoom.rows.hosts", False),  # the base reaching up
        ("batch_zoom.run.batch", "batch_zoom.publish.calendar", True),
        ("batch_zoom.run.batch", "batch_zoom.cli", False),
        ("batch_zoom.cli", "batch_zoom.sandbox", True),
        ("batch_zoom.sandbox.state", "batch_zoom.models", False),  # the emulator stays apart
        ("batch_zoom.zoom.client", "batch_zoom", True),  # __version__
    ],
)
def test_the_rule(importer: str, imported: str, allowed: bool) -> None:
    assert (layer(imported) in ALLOWED[layer(importer)]) is allowed


def test_every_import_points_one_way() -> None:
    found = modules()
    wrong = []
    checked = 0
    for module, path in found.items():
        for line, target in imports_of(module, path):
            # "from .. import i18n" names a module; "from .errors import X" names a module too
            while target not in found and "." in target:
                target = target.rpartition(".")[0]
            checked += 1
            if layer(target) not in ALLOWED[layer(module)]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)
    assert checked > 200  # the scan saw the package's imports, not an empty tree
    assert {"batch_zoom.run.batch", "batch_zoom.sheet.columns", "batch_zoom.fields"} <= set(found)
