"""The shape of the code: dependencies flow one way (pyproject.toml's import contracts), and the citation library is
pure parsing and formatting, with no database."""

import ast
import subprocess
import sys
from pathlib import Path

from ..servers import ROOT


def imported_modules(package):
    for path in Path(ROOT, package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                yield path, [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, [node.module]


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_citation_library_uses_no_database():
    offending = [
        f"{path.relative_to(ROOT)}: {name}"
        for path, names in imported_modules("citations")
        for name in names
        if name.startswith(("django.db", "django.contrib", "django.apps"))
    ]
    assert offending == []
