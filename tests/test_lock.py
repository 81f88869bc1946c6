"""The environment the tests run in is the committed lock, and the lock covers pyproject.toml."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def locked(name: str) -> dict[str, str]:
    """Return {package: version} of requirements/<name>.txt for this interpreter."""
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if not line or line[0] in " #":
            continue  # hashes, comments and "via" notes
        spec, _, marker = line.rstrip(" \\").partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        package, _, version = spec.strip().partition("==")
        pins[canonicalize_name(package)] = version
    return pins


def test_every_locked_package_is_installed_at_its_locked_version():
    pins = locked("dev")
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    wrong = {name: (version, installed.get(name)) for name, version in pins.items()}
    assert {k: v for k, v in wrong.items() if v[0] != v[1]} == {}


def test_the_runtime_lock_is_the_dev_lock_without_the_tools():
    runtime, dev = locked("runtime"), locked("dev")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_every_dependency_in_pyproject_is_locked_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [
        *project["project"]["dependencies"],
        *project["project"]["optional-dependencies"]["dev"],
        *project["dependency-groups"]["build"],
    ]
    pins = locked("dev")
    outside = []
    for text in wanted:
        requirement = Requirement(text)
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            outside.append(f"{text} (locked: {version})")
    assert outside == []
