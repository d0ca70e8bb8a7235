"""The wheel carries every package and the schemas."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_every_package_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "ipcli").rglob("__init__.py")}
    assert found | {"ipcli.schemas"} == listed


def test_schemas_are_installed_as_a_package():
    from importlib.resources import files

    names = {entry.name for entry in files("ipcli.schemas").iterdir()}
    assert "holiday.schema.json" in names
