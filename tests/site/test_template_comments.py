"""Template comments never reach a page: Django's `{# … #}` ends on its own line."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_comment_runs_over_several_lines():
    """A `{#` whose `#}` is on a later line is not a comment to Django: its words are shown
    on the page and read out by screen readers (the report form showed its own notes on
    focus and CSP). Such notes take `{% comment %}`."""
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert not unclosed, unclosed
