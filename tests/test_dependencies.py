"""Dependencies: every declared dependency is pinned, and the venv runs exactly the pins.

No vulnerability audit runs here: pip-audit cannot reach an advisory database from this
machine (see docs/RELIABILITY.md, "Dependencies").
"""

import re

from helpers import ROOT


def _pins() -> dict:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()] = version.strip()
    return pins


def test_dependencies_are_locked_and_installed_as_locked():
    import importlib.metadata
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    pins = _pins()
    names = {re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~ ;]", d, maxsplit=1)[0]).lower() for d in declared}
    assert names - set(pins) == {"torch"}, names - set(pins)  # torch is pinned in the Makefile (CPU wheel)
    assert "torch==2.13.0" in (ROOT / "Makefile").read_text()
    drift = {}
    for name, version in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        if installed != version:
            drift[name] = (version, installed)
    assert not drift, drift  # what pip-audit reads from constraints.txt is what runs
