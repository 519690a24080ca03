"""Placeholder until the rule's renderer lands (replaced at merge)."""


def render(reasons, language=None) -> str:
    return " ".join(str(r) for r in reasons)
