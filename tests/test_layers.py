"""Imports run one way: read every import in the project's code (ast) and check the layers.

    lakehouse  <-  ingest  <-  samplecounty (a tool that writes sample files)
    lakehouse  <-  presentation  <-  packs
    ui (the Streamlit glue) and pages/ may use all of those; dashboard.py sits on top.

Streamlit is imported only by dashboard.py, pages/ and ui/. No two files and no
two packages import each other, directly or round a loop.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("lakehouse", "ingest", "samplecounty", "presentation", "packs", "ui", "pages")
TOP_LEVEL = ("dashboard", "serve")
OURS = (*PACKAGES, *TOP_LEVEL)
# package -> the packages of ours it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "lakehouse": set(),
    "ingest": {"lakehouse"},
    "samplecounty": {"lakehouse", "ingest"},
    "presentation": {"lakehouse"},
    "packs": {"lakehouse", "presentation"},
    "ui": {"lakehouse", "ingest", "presentation", "packs"},
    "pages": {"lakehouse", "ingest", "presentation", "packs", "ui"},
}
STREAMLIT_ALLOWED = {"ui", "pages", "dashboard", "serve"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _files() -> dict[str, Path]:
    found = {name: ROOT / f"{name}.py" for name in TOP_LEVEL if (ROOT / f"{name}.py").exists()}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _files()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``path`` imports (anywhere in the file, functions included), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:
                yield f"{target}.{alias.name}", node.lineno  # from pkg import module


def _resolve(target: str) -> str | None:
    """The project module a dotted import names (the longest existing prefix), else None."""
    parts = target.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _package(module: str) -> str:
    return module.split(".")[0]


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        edges = set()
        for target, _ in _imports(name, path):
            resolved = _resolve(target)
            # a package's __init__ is not "importing" its own submodules by a relative import
            if resolved and resolved != name and not resolved.startswith(f"{name}."):
                edges.add(resolved)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def _where(module: str, wanted: str) -> str:
    path = MODULES[module]
    lines = [str(line) for target, line in _imports(module, path) if target.split(".")[0] == wanted]
    return f"{path.relative_to(ROOT)}:{','.join(sorted(set(lines), key=int))}"


def test_the_checker_sees_every_package():
    for package in PACKAGES:
        assert any(_package(m) == package for m in MODULES), package
    assert "lakehouse.seeds" in MODULES and "pages.overview" in MODULES


def test_no_two_files_import_each_other_even_round_a_loop():
    assert _cycles(_graph()) == []


def test_no_two_packages_import_each_other_even_round_a_loop():
    packages: dict[str, set[str]] = {}
    for module, targets in _graph().items():
        packages.setdefault(_package(module), set()).update(
            _package(t) for t in targets if _package(t) != _package(module)
        )
    assert _cycles(packages) == []


@pytest.mark.parametrize("package", [p for p in PACKAGES if p in ALLOWED])
def test_each_package_imports_only_the_layers_below_it(package):
    wrong = []
    for module, path in MODULES.items():
        if _package(module) != package:
            continue
        for target, line in _imports(module, path):
            top = target.split(".")[0]
            if top in OURS and top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert wrong == [], f"{package} may import only {sorted(ALLOWED[package]) or 'nothing of ours'}"


def test_streamlit_is_imported_only_by_the_dashboard_pages_and_ui():
    wrong = [
        _where(module, "streamlit")
        for module, path in MODULES.items()
        if _package(module) not in STREAMLIT_ALLOWED
        and any(t.split(".")[0] == "streamlit" for t, _ in _imports(module, path))
    ]
    assert wrong == []


def test_the_checker_catches_a_cycle_and_a_wrong_way_import():
    # the checks themselves, on a made-up graph: a loop of three files is one group
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_lakehouse_holds_no_route_and_no_streamlit_column_configuration():
    # the lakehouse returns data: which page a row opens and how a column is drawn are the
    # UI's (ui/, pages/) and the presentation layer's
    route = re.compile(
        r"pages/\w+\.py|\b(?:school_profile|flagged_schools|county_map)\?|"
        r"PROFILE_PAGE|switch_page|page_link"
    )
    config = re.compile(r"column_config|ColumnConfig|LinkColumn|ButtonColumn|NumberColumn")
    found = []
    for path in sorted((ROOT / "lakehouse").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if route.search(line) or config.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, found


# A display header: what a person reads above a column ("Overall grade", "Share (%)", "URN").
# The lakehouse names columns in snake_case, as gold does; presentation/ and ui/ put the
# headers on.
_HEADER = re.compile(r"^[A-Z]|[ ()%]")
_SQL_ALIAS = re.compile(r"\bAS\s+\"([^\"]*)\"", re.IGNORECASE)
# strings that look like headers but are not one, each with the reason
_NOT_HEADERS: dict[tuple[str, str], str] = {}


def _display_headers(path: Path) -> list[str]:
    """Every SQL alias, frame column or dict key in ``path`` that is a display header."""
    text = path.read_text(encoding="utf-8")
    found = [
        f'{number}: AS "{alias}"'
        for number, line in enumerate(text.splitlines(), start=1)
        for alias in _SQL_ALIAS.findall(line)
        if _HEADER.search(alias)
    ]

    def header(node: ast.AST | None) -> str | None:
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and _HEADER.search(node.value)
        ):
            return node.value
        return None

    def strings(node: ast.AST | None) -> list[ast.AST]:
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return list(node.elts)
        if isinstance(node, ast.Dict):
            return [*(k for k in node.keys if k is not None), *node.values]
        return []

    for node in ast.walk(ast.parse(text, filename=str(path))):
        named: list[ast.AST] = []
        if isinstance(node, ast.Dict):  # {"Overall grade": ...}
            named = [k for k in node.keys if k is not None]
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            named = [node.slice]  # df["Share (%)"] = ...
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("insert", "assign") and len(node.args) > 1:
                named = [node.args[1]]  # df.insert(0, "Rank", ...)
            for keyword in node.keywords:  # DataFrame(columns=[...]), rename(columns={...})
                if keyword.arg == "columns":
                    named += strings(keyword.value)
        elif isinstance(node, ast.Assign) and any(  # WORKLIST_COLUMNS = ["URN", ...]
            isinstance(t, ast.Name) and t.id.endswith(("COLUMNS", "HEADERS")) for t in node.targets
        ):
            named = strings(node.value)
        for item in named:
            value = header(item)
            if value is not None and (path.name, value) not in _NOT_HEADERS:
                found.append(f"{getattr(item, 'lineno', '?')}: {value!r}")
    return found


def test_the_lakehouse_returns_no_display_headers():
    # the lakehouse returns snake_case frames carrying gold's labels; a header such as
    # "Overall grade" or "Share (%)" belongs to presentation/ (and column configuration to ui/)
    found = [
        f"{path.relative_to(ROOT)}:{where}"
        for path in sorted((ROOT / "lakehouse").rglob("*.py"))
        for where in _display_headers(path)
    ]
    assert not found, found


def test_the_header_check_catches_an_alias_a_key_and_a_column_list(tmp_path):
    sample = tmp_path / "reads.py"
    sample.write_text(
        "SQL = '''SELECT urn AS \"URN\", name AS school FROM gold.x'''\n"
        'ROW = {"Overall grade": 1, "urn": 2}\n'
        'WORKLIST_COLUMNS = ["urn", "Share (%)"]\n'
        'def f(df):\n    df["Days to deadline"] = 1\n    df["days"] = 2\n',
        encoding="utf-8",
    )
    found = [f.split(": ", 1)[1] for f in _display_headers(sample)]
    assert sorted(found) == sorted(
        ['AS "URN"', "'Overall grade'", "'Share (%)'", "'Days to deadline'"]
    )


def test_the_reads_live_one_module_per_subject_over_one_sql_helper():
    # issue 16: lakehouse/reads/ holds the reads (schools, returns, grades, triage, casework,
    # over base's filters); the two old overlapping read modules are gone, and no module
    # reads a frame but through lakehouse.sql
    reads = {p.stem for p in (ROOT / "lakehouse" / "reads").glob("*.py")}
    assert {"base", "schools", "returns", "grades", "triage", "casework"} <= reads
    assert not (ROOT / "lakehouse" / "queries.py").exists()
    assert not (ROOT / "lakehouse" / "triage.py").exists()
    own_helper = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "lakehouse").rglob("*.py"))
        if path.name != "sql.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if ".df()" in line
    ]
    assert own_helper == []
