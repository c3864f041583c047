"""deps: import classification, declared dependencies and their health against a fake package index."""

from __future__ import annotations

import pytest

from vibe8_core.collectors.declared import (
    parse_pyproject,
    parse_requirements_txt,
    parse_setup_cfg,
    poetry_specifier,
)
from vibe8_core.collectors.deps import DepsCollector, import_names

PROJECT = {
    "requirements.txt": """\
        # runtime
        requests==2.0.0
        PyYAML>=5  # config files
        -r other.txt
        --index-url https://example.invalid/simple
        git+https://example.invalid/repo.git#egg=thing
        flask ; python_version > "3.8"
        """,
    "pyproject.toml": """\
        [project]
        dependencies = ["beautifulsoup4<4.0"]
        [project.optional-dependencies]
        images = ["Pillow==10.0.0"]
        [tool.poetry.dependencies]
        python = "^3.11"
        attrs = "^23.1"
        """,
    "setup.cfg": """\
        [options]
        install_requires =
            never-imported==1.0
        """,
    "app/__init__.py": "",
    "app/main.py": """\
        import os
        import requests
        import yaml
        from bs4 import BeautifulSoup
        from PIL import Image
        from app import helpers
        from . import sibling
        import numpy
        import attr
        """,
    "app/helpers.py": "import json\n",
    "app/sibling.py": "",
}
LATEST = {"requests": "2.31.0", "pyyaml": "6.0.1", "flask": "3.0.0", "beautifulsoup4": "4.12.2", "pillow": "10.0.0",
          "attrs": "24.1.0"}  # fmt: skip
EXPECTED_HEALTH = {
    # name: (specifier, pinned, imported, latest, outdated, status)
    "requests": ("==2.0.0", True, True, "2.31.0", True, "outdated"),
    "PyYAML": (">=5", False, True, "6.0.1", False, "ok"),
    "flask": ("", False, False, "3.0.0", False, "unused"),
    "beautifulsoup4": ("<4.0", False, True, "4.12.2", True, "outdated"),
    "Pillow": ("==10.0.0", True, True, "10.0.0", False, "ok"),
    "attrs": (">=23.1,<24", False, True, "24.1.0", True, "outdated"),
    "never-imported": ("==1.0", True, False, "unknown", None, "unused"),
}


def test_package_health_against_the_fake_index(project_of, fake_index) -> None:
    fake_index.versions.update(LATEST)
    result = DepsCollector().collect(project_of(PROJECT))
    health = {item.name: item for item in result.metrics.package_health}
    got = {name: (i.specifier, i.pinned, i.imported, i.latest, i.outdated, i.status) for name, i in health.items()}
    assert got == EXPECTED_HEALTH
    assert result.metrics.undeclared == ("numpy",)
    assert result.metrics.stdlib == ("json", "os")
    assert result.metrics.local == ("app",)
    assert result.metrics.total_modules == 9  # os requests yaml bs4 PIL app numpy attr json
    assert health["Pillow"].group == "images" and health["Pillow"].source == "pyproject.toml"
    assert sorted(result.metrics.declaration_files) == ["pyproject.toml", "requirements.txt", "setup.cfg"]


def test_unreachable_index_gives_unknown_and_goes_on(project_of, settings) -> None:
    project = project_of({"requirements.txt": "requests==1.0\n", "m.py": "import requests\n"})
    project.settings = type(settings)(package_index_url="http://127.0.0.1:9/pypi", package_index_timeout_s=0.5)
    health = DepsCollector().collect(project).metrics.package_health
    assert [(h.name, h.latest, h.outdated, h.status) for h in health] == [("requests", "unknown", None, "unknown")]


def test_index_answers_are_cached(project_of, fake_index) -> None:
    fake_index.versions["requests"] = "2.31.0"
    project = project_of({"requirements.txt": "requests\n", "m.py": "import requests\n"})
    DepsCollector().collect(project)
    DepsCollector().collect(project)
    assert fake_index.requests == ["/pypi/requests/json"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("requests==2.0\n", [("requests", "==2.0")]),
        ("a>=1,<2  # comment\nb[extra]~=1.4\n", [("a", "<2,>=1"), ("b", "~=1.4")]),
        ("-e .\n-r base.txt\nhttps://x.invalid/p.whl\n\n# only\n", []),
        ("long \\\n  >=1.0\n", [("long", ">=1.0")]),
        ("pkg @ https://x.invalid/pkg.zip\n", [("pkg", "")]),
    ],
)
def test_requirements_txt(text: str, expected: list[tuple[str, str]]) -> None:
    errors: list[str] = []
    assert [(d.name, d.specifier) for d in parse_requirements_txt(text, "requirements.txt", errors)] == expected
    assert errors == []


def test_bad_requirement_is_an_error_entry() -> None:
    errors: list[str] = []
    assert parse_requirements_txt("good==1\nthis is not valid!!\n", "requirements.txt", errors)[0].name == "good"
    assert len(errors) == 1 and "requirements.txt" in errors[0]


@pytest.mark.parametrize(
    ("constraint", "specifier"),
    [
        ("^1.2.3", ">=1.2.3,<2"),
        ("^0.2.3", ">=0.2.3,<0.3"),
        ("~1.2.3", ">=1.2.3,<1.3"),
        ("1.2.3", "==1.2.3"),
        ("*", ""),
        (">=1,<3", ">=1,<3"),
        ({"version": "^2.0", "optional": True}, ">=2.0,<3"),
    ],
)
def test_poetry_specifier(constraint: object, specifier: str) -> None:
    assert poetry_specifier(constraint) == specifier


@pytest.mark.parametrize(
    ("distribution", "names"),
    [("PyYAML", ("yaml",)), ("beautifulsoup4", ("bs4",)), ("Pillow", ("PIL",)), ("Flask-Login", ("flask_login",)),
     ("zope.interface", ("zope_interface",)), ("requests", ("requests",))],
)  # fmt: skip
def test_import_names(distribution: str, names: tuple[str, ...]) -> None:
    assert import_names(distribution) == names


def test_pyproject_and_setup_cfg_parsers() -> None:
    errors: list[str] = []
    assert parse_pyproject("not toml [", "pyproject.toml", errors) == [] and errors
    declared = parse_setup_cfg("[options.extras_require]\ntest =\n    pytest>=7\n", "setup.cfg", [])
    assert [(d.name, d.specifier, d.group) for d in declared] == [("pytest", ">=7", "test")]


def test_typing_only_modules_are_not_undeclared_dependencies(project_of, settings) -> None:
    source = "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from _typeshed import StrPath\n"
    project = project_of({"app.py": source})
    project.settings = type(settings)(package_index_url="http://127.0.0.1:9/pypi", package_index_timeout_s=0.5)
    result = DepsCollector().collect(project)
    assert result.metrics.undeclared == ()
    assert "_typeshed" in (result.metrics.stdlib or ())
