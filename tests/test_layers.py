"""The layers import downward only: commands and the register never reach up into the root command,
and the rules import nothing that does I/O."""

import ast
from pathlib import Path

import pytest

import ipcli

PACKAGE = Path(ipcli.__file__).parent


def imported(path: Path) -> set[str]:
    """Every module `path` imports, as `a.b` (and `a.b.c` for `from a.b import c`), at any depth."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def modules(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (PACKAGE / folder).glob("*.py"))


@pytest.mark.parametrize("path", modules("commands", "register"), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_commands_and_the_register_never_import_the_root_command(path):
    assert "ipcli.cli" not in imported(path)


@pytest.mark.parametrize("path", modules("rules"), ids=lambda path: path.name)
def test_the_rules_import_nothing_that_does_io(path):
    banned = ("click", "sqlite3", "sqlite_utils", "ipcli.db", "ipcli.register", "ipcli.context", "ipcli.files",
              "ipcli.output")
    assert not {name for name in imported(path) if name.split(".")[0] in banned or name.startswith(banned)}


def outside_the_storage(path: Path) -> bool:
    return path.relative_to(PACKAGE).parts[0] != "db"


@pytest.mark.parametrize("path", [path for path in sorted(PACKAGE.rglob("*.py")) if outside_the_storage(path)],
                         ids=lambda path: str(path.relative_to(PACKAGE)))
def test_only_the_storage_layer_touches_the_database(path):
    """The Store (and RegisterLocation) is what the rest of ipcli talks to: no SQLite module, no connection,
    no database file path outside ipcli/db, so that a second backend implements ipcli/db alone."""
    assert not {name for name in imported(path) if name.split(".")[0] in ("sqlite3", "sqlite_utils")}
    attributes = {node.attr for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                  if isinstance(node, ast.Attribute)}
    assert not attributes & {"db", "conn", "db_path"}
