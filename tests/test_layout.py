"""The layout's imports run one way (ARCHITECTURE.md): the law, the data apps, the ways out, the configuration.

Every import statement of the project's own code counts, at module level or inside a
function (a deferred import is still a dependency), except those under
`if TYPE_CHECKING:`. Migrations are left out: Django orders them itself.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

from tests.layout import LAYERS, PROJECT_PACKAGES

ROOT = Path(__file__).resolve().parent.parent


def layer_of(module: str) -> int:
    return LAYERS[module.split(".")[0]]


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    """ids of the import nodes inside `if TYPE_CHECKING:` blocks."""
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for child in ast.walk(node))
    return skipped


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that `module` imports (resolved to the longest known module name)."""
    tree = ast.parse(path.read_text(), str(path))
    skipped = _type_checking_blocks(tree)
    targets = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                if path.name != "__init__.py":
                    package = package[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            parts = name.split(".")
            while parts and ".".join(parts) not in known:
                parts.pop()
            if parts:
                target = ".".join(parts)
                if target != module:
                    targets.add(target)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {module: imports_of(module, path, known) for module, path in modules.items()}


def test_the_walk_sees_the_project_and_its_imports():
    graph = import_graph()
    # Deferred imports count: visits.apps imports its signals and tasks inside ready().
    assert {"visits.signals", "visits.tasks"} <= graph["visits.apps"]
    assert {
        "compliance.verdict",
        "core.models",
        "visits.flagging",
        "api.base",
        "front.views.home",
    } <= set(graph)
    assert "compliance.facts" in graph["compliance.verdict"]
    assert "visits.models" in graph["visits.flagging"] or "compliance" in graph["visits.flagging"]


def test_no_module_imports_one_above_it_in_the_layout():
    graph = import_graph()
    upward = sorted(
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        # A package's __init__ may gather its own modules (compliance exports its names).
        if layer_of(target) > layer_of(module) and not target.startswith(module + ".")
    )
    assert upward == []


def find_cycles(edges: dict[str, set[str]]) -> list[str]:
    """Each import cycle found by a depth-first walk, as 'a -> b -> a'."""
    cycles = []
    state: dict[str, int] = defaultdict(int)  # 0 unseen, 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state[target] == 1:
                cycles.append(" -> ".join([*stack[stack.index(target) :], target]))
            elif state[target] == 0:
                visit(target)
        stack.pop()
        state[node] = 2

    for module in sorted(edges):
        if state[module] == 0:
            visit(module)
    return cycles


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a -> b -> c -> a"]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_there_is_no_import_cycle():
    graph = import_graph()
    # A package __init__ that re-exports its own modules is not a cycle with them.
    edges = {
        module: {
            t for t in targets if not t.startswith(module + ".") and not module.startswith(t + ".")
        }
        for module, targets in graph.items()
    }
    assert find_cycles(edges) == []


@pytest.mark.parametrize("forbidden", ["django", "celery", "rest_framework", "psycopg"])
def test_the_law_imports_no_framework(forbidden):
    for path in (ROOT / "compliance").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n == forbidden or n.startswith(forbidden + ".") for n in names), (
                path,
                names,
            )


def test_every_project_app_has_a_place_in_the_layout():
    from django.conf import settings

    local = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert local and local <= set(PROJECT_PACKAGES)


def test_the_project_package_holds_configuration_only():
    allowed = {
        "__init__.py",
        "settings.py",
        "env.py",
        "installed.py",
        "urls.py",
        "celery.py",
        "wsgi.py",
        "asgi.py",
    }
    present = {p.name for p in (ROOT / "iccwatch").iterdir() if p.suffix == ".py"}
    extra_dirs = [
        p.name for p in (ROOT / "iccwatch").iterdir() if p.is_dir() and p.name != "__pycache__"
    ]
    assert present - allowed == set() and extra_dirs == []


# --- The layout as the documentation draws it --------------------------------------------


def readme_layout() -> list[str]:
    """The paths README's "Project layout" names, in order: `visits/`, `visits/reports.py`
    (an indented line is a file of the folder above it), `templates/`, `.ci/run`, ..."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("\n## Project layout\n", 1)[1].split("```\n", 2)[1]
    paths, folder = [], ""
    for line in block.splitlines():
        names = re.split(r" {2,}", line.strip())[0]
        if line.startswith("   "):
            continue  # the description of the line above, continued
        if line.startswith("  ") and folder:
            paths.append(folder + names)
            continue
        for name in names.split(", "):
            paths.append(name)
            if name.endswith("/"):
                folder = name
    return paths


def ignored_by_git(name: str) -> bool:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    return name in {pattern.strip("/") for pattern in ignored}


def test_every_path_of_the_readmes_layout_exists():
    paths = readme_layout()
    assert {"visits/", "visits/review.py", "templates/", ".ci/run", "pyproject.toml"} <= set(paths)
    assert [p for p in paths if not (ROOT / p).exists()] == []


def test_the_readmes_layout_names_every_folder_of_the_project():
    named = {p.split("/")[0] for p in readme_layout()}
    # Hidden folders are tools' caches (.venv, .ruff_cache, ...), but for CI's.
    folders = {
        p.name
        for p in ROOT.iterdir()
        if p.is_dir()
        and (not p.name.startswith(".") or p.name == ".ci")
        and p.name != "__pycache__"
        and not ignored_by_git(p.name)
    }
    assert sorted(folders - named) == []


def test_the_architectures_layers_name_every_package_of_the_layout():
    """ARCHITECTURE.md's table of layers names each package tests/layout.py places."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text.split("\n## The layers\n", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^\|[^|]*\| `([a-z_]+)/` \|", table, re.M))
    assert named == set(PROJECT_PACKAGES)
