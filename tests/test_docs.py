"""The developer documentation names what exists.

README.md, ARCHITECTURE.md, docs/DOMAIN.md and requirements/README.md point a newcomer at
files, modules, commands and sections: every one of them must be there. What is checked:

- every path in inline code (`visits/review.py`, `tests/newsroom/conftest.py`) exists,
  or is one git ignores (`.local/pgdata`: made at run time); `app/NNNN_name` names a
  migration;
- every dotted name of the project's code (`visits.review.file_report`) imports, or names
  a model (`visits.VisitEvent`) or a Celery task (`alerts.scan`);
- every `manage.py <command>` is a command, and every `--option` given with it on the same
  line of code is one of that command's options;
- every link to a section (`(#the-site)`) finds its heading, and every link to a file
  its file.
"""

import argparse
import ast
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class

from tests.layout import PROJECT_PACKAGES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "ARCHITECTURE.md", "docs/DOMAIN.md", "requirements/README.md"]
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
# `python3 manage.py up --port 8001`, `docker compose exec web python manage.py shell`,
# `docker compose run --rm web manage import_dataset data` (the entrypoint's `manage`).
COMMAND = re.compile(r"\bmanage(?:\.py)? ([a-z_]+)((?: +[^\s`|;&]+)*)")
# Commands whose arguments go to another program: `manage.py test` hands them to pytest.
PASSED_ON = {"test"}


def read(doc: str) -> str:
    return (ROOT / doc).read_text(encoding="utf-8")


def prose(text: str) -> str:
    """The text without its fenced code blocks (their backticks are not inline code)."""
    return FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def inline_code(doc: str) -> list[tuple[int, str]]:
    """(line number, text) of each inline code span of `doc`, outside fenced blocks."""
    text = prose(read(doc))
    return [
        (text.count("\n", 0, m.start()) + 1, m.group(1).strip()) for m in INLINE_CODE.finditer(text)
    ]


def ignored_by_git(path: str) -> bool:
    """Whether .gitignore ignores `path` (its patterns here are plain names and folders)."""
    for pattern in read(".gitignore").split():
        pattern = pattern.strip("/")
        if "*" in pattern:
            continue
        if path == pattern or path.startswith(pattern + "/") or f"/{pattern}/" in f"/{path}/":
            return True
    return False


def looks_like_a_path(token: str) -> bool:
    """A token whose first segment is a top-level entry of the project (or one git ignores),
    with no space, placeholder or address in it: `core/roles.py`, `.ci/run`, `tests/`."""
    if " " in token or "<" in token or "…" in token or "://" in token or "/" not in token:
        return False
    if token.startswith("/"):
        return False  # an address on the site (`/newsroom/`), not a file
    first = token.split("/")[0]
    return bool(first) and ((ROOT / first).exists() or ignored_by_git(first))


def exists(token: str, doc: str) -> bool:
    path = token.rstrip("/")
    if (ROOT / path).exists() or (ROOT / doc).parent.joinpath(path).exists():
        return True
    app, _, migration = path.partition("/")
    if re.fullmatch(r"\d{4}_\w+", migration):  # `visits/0011_search_indexes`
        return (ROOT / app / "migrations" / f"{migration}.py").exists()
    return ignored_by_git(path)


def named_paths() -> list[tuple[str, int, str]]:
    return [
        (doc, line, token)
        for doc in DOCS
        for line, token in inline_code(doc)
        if looks_like_a_path(token)
    ]


@pytest.mark.parametrize(("doc", "line", "path"), named_paths())
def test_every_path_the_docs_name_exists(doc, line, path):
    assert exists(path, doc), f"{doc}:{line}: `{path}` does not exist"


def test_the_path_check_sees_what_is_missing():
    assert exists("visits/review.py", "README.md")
    assert exists("visits/0011_search_indexes", "README.md")
    assert exists(".local/pgdata", "README.md")  # git ignores it: made at run time
    assert not exists("visits/reviews.py", "README.md")
    assert not exists("visits/0011_search_index", "README.md")
    assert looks_like_a_path("tests/visits/test_compliance.py")
    assert not looks_like_a_path("application/x-bibtex")
    assert not looks_like_a_path("/states/MNG/")


def task_names() -> set[str]:
    from iccwatch.celery import app

    app.loader.import_default_modules()
    return set(app.tasks)


def resolves(name: str, tasks: set[str]) -> bool:
    """Whether a dotted name is a module, an attribute of one, a model or a task."""
    if name in tasks:
        return True
    parts = name.split(".")
    if len(parts) == 2:
        try:
            apps.get_model(name)
            return True
        except (LookupError, ValueError):
            pass
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def named_code() -> list[tuple[str, int, str]]:
    dotted = re.compile(r"[a-z_]+(?:\.[A-Za-z_]\w*)+")
    return [
        (doc, line, token)
        for doc in DOCS
        for line, token in inline_code(doc)
        if dotted.fullmatch(token)
        and token.split(".")[0] in PROJECT_PACKAGES
        and not re.search(r"\.(py|md|csv|txt|json|html|sh)$", token)
    ]


def test_every_module_function_model_and_task_the_docs_name_exists():
    tasks = task_names()
    missing = [
        f"{doc}:{line}: `{name}`" for doc, line, name in named_code() if not resolves(name, tasks)
    ]
    assert missing == []


def test_the_name_check_sees_what_is_missing():
    tasks = task_names()
    assert resolves("visits.review.file_report", tasks)
    assert resolves("visits.VisitEvent", tasks)
    assert resolves("alerts.scan", tasks)
    assert not resolves("visits.review.file_reports", tasks)
    assert not resolves("visits.reviews", tasks)


def named_commands() -> list[tuple[str, int, str, list[str]]]:
    """(doc, line, command, its --options) for each `manage.py <command>` of the docs, in
    inline code and in fenced blocks alike, one line of code at a time."""
    found = []
    for doc in DOCS:
        text = read(doc)
        for number, line in enumerate(text.splitlines(), start=1):
            spans = INLINE_CODE.findall(line) or [line]
            for span in spans:
                for match in COMMAND.finditer(span):
                    options = [
                        a.split("=")[0] for a in match.group(2).split() if a.startswith("--")
                    ]
                    found.append((doc, number, match.group(1), options))
    return found


def options_of(command: str) -> set[str]:
    parser = load_command_class(get_commands()[command], command).create_parser(
        "manage.py", command
    )
    options = set(parser._option_string_actions)
    for action in parser._actions:  # subcommands (`db status`) and their own options
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                options |= set(sub._option_string_actions)
    return options


def test_every_command_the_docs_name_exists_with_the_options_given():
    commands = get_commands()
    problems = []
    for doc, line, command, options in named_commands():
        if command not in commands:
            problems.append(f"{doc}:{line}: no command `{command}`")
        elif command not in PASSED_ON:
            unknown = [o for o in options if o not in options_of(command)]
            if unknown:
                problems.append(f"{doc}:{line}: `{command}` has no option {', '.join(unknown)}")
    assert problems == []


def test_the_command_check_reads_the_commands_and_their_options():
    named = {(command, tuple(options)) for _, _, command, options in named_commands()}
    assert ("evaluate_visits", ("--all",)) in named
    assert ("import_dataset", ()) in named
    assert "--force" in options_of("evaluate_visits")
    assert "--frobnicate" not in options_of("evaluate_visits")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but hyphens dropped, spaces
    to hyphens (`### \\`python3 manage.py up\\`` is `python3-managepy-up`)."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(text: str) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for line in prose(text).splitlines():
        match = re.match(r"#{1,6} (.+)", line)
        if match:
            base = slug(match.group(1))
            count = seen.get(base, 0)
            found.add(base if count == 0 else f"{base}-{count}")
            seen[base] = count + 1
    return found


@pytest.mark.parametrize("doc", [*DOCS, "data/README.md", "bench/RESULTS.md"])
def test_every_link_finds_its_section_or_file(doc):
    text = read(doc)
    targets = anchors(text)
    broken = []
    for match in LINK.finditer(prose(text)):
        target = match.group(1)
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        if path:
            file = (ROOT / doc).parent / path
            if not file.exists() or (
                anchor and anchor not in anchors(file.read_text(encoding="utf-8"))
            ):
                broken.append(target)
        elif anchor not in targets:
            broken.append(target)
    assert broken == [], f"{doc}: links to nothing: {broken}"


def test_anchors_are_made_as_github_makes_them():
    assert slug("Accounts, roles and signing in") == "accounts-roles-and-signing-in"
    assert slug("`python3 manage.py up`") == "python3-managepy-up"
    assert anchors("## A\n## A\n") == {"a", "a-1"}


def section(doc: str, heading: str) -> str:
    text = read(doc)
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


# Fields of a visit that the rule does not decide on, one of each kind (text, boolean,
# long text, code): a file that names all of them keeps a list of the visit's fields.
VISIT_FIELDS = ("occasion", "host_notified", "host_justification", "host_control")
SCANNED = ("*.py", "*.html")


def files_listing_every_visit_field() -> set[str]:
    found = set()
    # The rule's package is "How to change a compliance rule"'s.
    folders = [p for p in (*PROJECT_PACKAGES, "templates") if p != "compliance"]
    for folder in folders:
        for pattern in SCANNED:
            for path in (ROOT / folder).rglob(pattern):
                relative = path.relative_to(ROOT)
                if "migrations" in relative.parts:
                    continue
                text = path.read_text(encoding="utf-8")
                if all(re.search(rf"\b{field}\b", text) for field in VISIT_FIELDS):
                    found.add(relative.as_posix())
    return found


def test_adding_a_field_to_visit_names_every_file_that_lists_a_visits_fields():
    """A file that lists a visit's fields (the write path, reports, forms, serializers, the
    plain API rows, the downloads' table, the pages) is one a new field must be added to:
    "How to add a field to Visit" names each (the rule's, alerts/urgent.py and
    visits/flagging.py, read only what the rule reads: the next section names them)."""
    guide = section("README.md", "## How to add a field to Visit")
    listing = files_listing_every_visit_field()
    assert "visits/review.py" in listing and "api/visits/rows.py" in listing
    assert sorted(f for f in listing if f"`{f}`" not in guide) == []


# Classes whose text lives elsewhere: an app's config, an admin page, a command (its
# `help`), and DRF's serializers, viewsets and FilterSets, whose docstrings drf-spectacular
# would make the API schema's descriptions.
DOCUMENTED_ELSEWHERE = re.compile(
    r"(AppConfig|ModelAdmin|BaseCommand|Serializer|ViewSet|FilterSet)$"
)


def undocumented(package: str) -> list[str]:
    """The public module-level functions and classes of `package` without a docstring."""
    missing = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_") or ast.get_docstring(node):
                continue
            if isinstance(node, ast.ClassDef) and (
                node.name == "Command"
                or any(DOCUMENTED_ELSEWHERE.search(ast.unparse(base)) for base in node.bases)
            ):
                continue
            missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return missing


@pytest.mark.parametrize("package", ["core", "visits", "front", "api"])
def test_public_functions_and_classes_say_what_they_do(package):
    assert undocumented(package) == []
