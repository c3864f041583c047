"""The shared parse: what the collectors take from the one tree equals what the tools find on their own.

bandit's visitor over our tree (skipping node kinds no test reads) must report exactly what bandit's
manager reports when it reads and parses the file itself; the statement-only import walk must find
exactly the imports `ast.walk` finds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vibe8_core.collectors.files import discover_python_files, read_source
from vibe8_core.collectors.security import NOSEC_ANYWHERE, scan_file, scan_tree, scan_with_manager

from .conftest import SITE_PACKAGES, write_tree

# One file that trips many of bandit's tests: calls, imports, strings, asserts, handlers, a bidi character.
INSECURE = '''\
import pickle
import subprocess
import hashlib
import yaml
from xml.etree import ElementTree
import telnetlib

PASSWORD = "hunter2"
TOKEN = "s3cr3t"


def run(cmd, data, password="admin"):
    """Docstring with nothing in it."""
    assert cmd, "no command"
    subprocess.call(cmd, shell=True)
    subprocess.Popen("ls " + cmd, shell=True)
    eval(data)
    exec(data)
    pickle.loads(data)
    yaml.load(data)
    hashlib.md5(data)
    ElementTree.fromstring(data)
    query = "SELECT * FROM users WHERE name = '%s'" % data
    open("/tmp/vibe8-demo", "w").write(query)
    try:
        import os
        os.chmod("/tmp/vibe8-demo", 0o777)
    except Exception:
        pass
    if password == "letmein":
        return telnetlib.Telnet("example.com")
    access = "user"  # \u202e the comment hides a bidirectional override
    return access


class Client:
    def connect(self, host="0.0.0.0"):
        import requests
        return requests.get(host, verify=False)
'''


def _bandit_ids(result: dict) -> set[str]:
    return {issue["test_id"] for issue in result["issues"]}


def test_insecure_snippet_reports_the_same_issues_both_ways(tmp_path: Path) -> None:
    write_tree(tmp_path, {"insecure.py": INSECURE})
    source = read_source(tmp_path, "insecure.py")
    by_manager = scan_with_manager(read_source(tmp_path, "insecure.py"))
    assert len(_bandit_ids(by_manager)) >= 15  # the snippet really exercises many tests
    assert "B613" in _bandit_ids(by_manager)  # the file-level test (bidi characters) runs too
    assert scan_tree(source) == by_manager


@pytest.mark.parametrize("package", ["requests", "flask", "jinja2", "urllib3", "yaml", "click"])
def test_real_packages_report_the_same_issues_both_ways(package: str) -> None:
    root = SITE_PACKAGES / package
    compared = 0
    for path in discover_python_files(root):
        source = read_source(root, path)
        if source.tree is None or NOSEC_ANYWHERE.search(source.text):
            continue
        assert scan_tree(source) == scan_with_manager(read_source(root, path)), path
        compared += 1
    assert compared > 5


def test_nosec_files_go_through_the_manager_and_stay_silenced(tmp_path: Path) -> None:
    write_tree(tmp_path, {"m.py": "import subprocess  # nosec\nsubprocess.call('ls', shell=True)  # nosec\n"})
    assert scan_file(read_source(tmp_path, "m.py"))["issues"] == []
    write_tree(tmp_path, {"n.py": "import subprocess\nsubprocess.call('ls', shell=True)\n"})
    assert {"B404", "B602"} <= _bandit_ids(scan_file(read_source(tmp_path, "n.py")))


NESTED_IMPORTS = """\
import a
from . import b
if x:
    import c
else:
    from d import e
try:
    import f
except ImportError:
    import g
else:
    import h
finally:
    import i
for _ in y:
    import j
else:
    import k
while z:
    import l
with w:
    import m
match v:
    case 1:
        import n
class C:
    import o
    def method(self):
        import p
        def inner():
            import q; import r
async def coro():
    async with u:
        import s
    async for _ in t:
        import t2
lambda: __import__("not_a_statement")
"""


def _walked(tree: ast.Module) -> list[tuple[int, int]]:
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    return sorted((node.lineno, node.col_offset) for node in found)


def test_imports_are_found_at_every_depth(tmp_path: Path) -> None:
    write_tree(tmp_path, {"m.py": NESTED_IMPORTS})
    source = read_source(tmp_path, "m.py")
    found = [(node.lineno, node.col_offset) for node in source.imports]
    assert found == _walked(source.tree)
    assert len(found) == 19


@pytest.mark.parametrize("package", ["requests", "flask", "jinja2", "urllib3", "yaml", "click"])
def test_imports_equal_ast_walk_on_real_packages(package: str) -> None:
    root = SITE_PACKAGES / package
    for path in discover_python_files(root):
        source = read_source(root, path)
        if source.tree is not None:
            assert [(node.lineno, node.col_offset) for node in source.imports] == _walked(source.tree), path
