"""pyproject.toml in the form today's setuptools builds without a deprecation warning."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_the_license_is_an_spdx_expression_that_setuptools_reads() -> None:
    # The table form ({text = "MIT"}) makes setuptools>=77 print a SetuptoolsDeprecationWarning
    # on every `pip install .` (unsupported from 2027-02-18); the string needs setuptools>=77.
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    requires = project["build-system"]["requires"]
    setuptools = [spec for spec in requires if spec.startswith("setuptools")]
    assert len(setuptools) == 1
    minimum = re.fullmatch(r"setuptools>=(\d+)(?:\.\d+)*", setuptools[0])
    assert minimum is not None and int(minimum.group(1)) >= 77
    classifiers = project["project"].get("classifiers", [])
    # setuptools refuses a License :: classifier next to an SPDX expression.
    assert not [c for c in classifiers if c.startswith("License ::")]
