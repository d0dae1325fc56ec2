"""The project's own conventions, checked: SQL headers, file numbering, lint, README coverage."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT

import pipeline_orchestrator as orchestrator

HEADER_FIELDS = ("purpose:", "target:", "grain:", "reads:", "rerunnable:")


def sql_files() -> list:
    return sorted(p for p in (ROOT / "sql").rglob("*.sql") if "macros" not in p.parts)


def test_every_sql_file_opens_with_the_header_block():
    missing = []
    for path in sql_files():
        head = path.read_text(encoding="utf-8").splitlines()[:14]
        if head[1:2] != [f"-- {path.name}"] or not all(any(f"-- {f}" in line for line in head) for f in HEADER_FIELDS):
            missing.append(path.relative_to(ROOT).as_posix())
    assert missing == []


def test_file_names_give_a_unique_run_order():
    names = [p.name for p in sql_files()]
    verbs = "create|copy|load|merge|build|check|verify|grant|reset|upgrade|select"
    assert all(re.fullmatch(rf"\d{{3}}_({verbs})_[a-z0-9_]+\.sql", n) for n in names), names
    numbers = [n[:3] for n in names]
    assert len(numbers) == len(set(numbers)), "three-digit prefixes must be unique across the tree"
    for folder in (ROOT / "sql").iterdir():
        if folder.name != "macros":
            assert all(p.name[0] == folder.name[0] for p in folder.glob("*.sql")), folder


@pytest.mark.slow
def test_sqlfluff_lint_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "sqlfluff", "lint", "sql/", "--processes", "2"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:]


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = orchestrator.build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    undocumented = [c for c in commands if f"python pipeline_orchestrator.py {c}" not in readme]
    assert undocumented == []
    for line in ("pip install -r requirements.txt", "python pipeline_orchestrator.py\n", "pytest"):
        assert line in readme


def test_ci_runs_the_readme_commands():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt" in ci
    assert re.search(r"^pytest\b", ci, re.M)
