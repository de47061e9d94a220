"""The layering docs/architecture.md describes, kept true: every module of the three apps is
read (not imported) and its imports checked.

- No import cycle between modules, and no import placed inside a function to hide one
  (apps.py's ready() and demo hooks excepted: Django loads models after app configs).
- portal imports neither app; intake imports nothing of scheduling; scheduling reads intake
  only through the modules intake exposes to it (INTAKE_PUBLIC).
- Nothing below a view imports a view.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ("portal", "intake", "scheduling")
# What intake exposes to scheduling: its selectors (reads) and nothing else.
INTAKE_PUBLIC = frozenset({"intake.selectors"})
# Django wants these to import inside functions: an AppConfig module loads before the models.
INNER_IMPORTS_ALLOWED = frozenset({"portal.apps", "intake.apps", "scheduling.apps"})


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    }


MODULES = _modules()


def _targets(module: str, node: ast.AST, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = module.split(".")
    if node.level:
        base = base if is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join([*base, *([node.module] if node.module else [])])
    else:
        prefix = node.module or ""
    return [
        f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in MODULES else prefix for alias in node.names
    ]


def _imports() -> dict[str, tuple[set[str], set[str]]]:
    """module -> (imported at module level, imported inside a function or class)."""
    found = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        outer, inner = set(), set()
        top_level = set()
        for statement in tree.body:
            top_level |= {
                id(node)
                for node in ast.walk(statement)
                if not isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = {
                    t for t in _targets(module, node, path.name == "__init__.py") if t.split(".")[0] in APPS
                }
                (outer if id(node) in top_level else inner).update(names)
        found[module] = (outer, inner)
    return found


IMPORTS = _imports()


def _owner(name: str) -> str:
    """The module an import names (a name imported from a module counts as the module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def test_no_import_is_hidden_inside_a_function():
    hidden = sorted(
        f"{module} -> {target}"
        for module, (_outer, inner) in IMPORTS.items()
        if module not in INNER_IMPORTS_ALLOWED
        for target in inner
    )

    assert hidden == []


def test_there_is_no_import_cycle():
    graph = {module: {_owner(t) for t in outer} - {"", module} for module, (outer, _inner) in IMPORTS.items()}
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])

    assert cycles == []


def _all_imports(module: str) -> set[str]:
    outer, inner = IMPORTS[module]
    return {_owner(t) or t for t in outer | inner}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("portal")))
def test_portal_knows_neither_app(module):
    assert {t for t in _all_imports(module) if t.split(".")[0] in ("intake", "scheduling")} == set()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("intake")))
def test_intake_knows_nothing_of_scheduling(module):
    assert {t for t in _all_imports(module) if t.startswith("scheduling")} == set()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith("scheduling")))
def test_scheduling_reads_intake_only_through_what_it_exposes(module):
    assert {t for t in _all_imports(module) if t.startswith("intake")} <= INTAKE_PUBLIC


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if ".views" not in m and not m.endswith(".urls"))
)
def test_nothing_below_a_view_imports_a_view(module):
    assert {t for t in _all_imports(module) if ".views" in t} == set()
