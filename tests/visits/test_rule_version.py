"""The rule's version moves whenever its code does.

Every verdict stores the RULE_VERSION that decided it, a citation quotes it, and after a
deploy only verdicts of another version are evaluated again (visits.outbox
.request_outdated_rule_version). A change to the rule's code under the same version
would leave every stored verdict and its reasons as the old code gave them, while quoting
a version that now names two rules.

The digest is of compliance/'s code as Python reads it: comments, docstrings and layout
do not count, nor the RULE_VERSION line itself. It covers the rule, not the facts it is
given: a change to how visits.flagging builds them (which findings or declarations it
loads, how it reads a partial date) must move the version too, and this test cannot see
it. ast.unparse writes the same text on Python 3.12 and 3.13; a later Python that writes
it otherwise fails here with no rule change: record its digest under the same version. When this test fails, either the change
can alter a verdict or its stored reasons, and RULE_VERSION must move (with a line saying
what changed) and the new digest be recorded under it; or it cannot (a refactor), and the
digest is recorded under the same version, saying so in the commit.
"""

import ast
import hashlib
from pathlib import Path

import compliance
from compliance import RULE_VERSION

# RULE_VERSION -> the digest of the code that decides under it.
RULE_CODE = {
    "2026.12.03": "2300be8d64f890a61981309cf62d1d1535ac7a0c10711cf9a63e0e3593804af5",
    "2026.12.03.2": "49af2e591e5541420baa482b8b99909c57d489b1c3a27c6dfb77caa018f9e8f2",
    "2026.12.04": "3fda067cee4889ab0ebc45aaca60b05ac6192180948d5b65afed339daf3a6651",
    "2026.12.04.2": "df1095ef02f03a0f40af177878caa36982e08e183f537000d19f01f7eb6928a3",
    "2026.12.04.3": "9f591faae8977a9096ce2dcd1fd7b3c440cf1d81333fe0dd6c4c70de363ab654",
    "2026.12.05": "1784fd81e77db715c4ea507ab4418b2f341c8776356062ad7097e8229c198928",
    "2026.12.05.2": "7a411fcf590e57bbc7c7412f23493aa8b7a0341d3ce75d0cb2bdf44b449dfef2",
    "2026.12.05.3": "c22ea2c62cc426e9171b78e3ded614bde3797d4a87df27b9b0dfe287db38a352",
    "2026.12.05.4": "84da67c1fdc1ac58fadbb597555576bc77677bf2499a6a2c7ee504c90b488db4",
    "2026.12.06": "f85f629e6c5d6c32ff4a9684391c2ca7dde037b1a126fa9f4f13f91491c5d089",
    "2026.12.06.2": "f3a1cac3afa4e0d2cd2e2c4ae0fe447cdeb32895a02aadfb218a12ddb123ace5",
    "2026.12.06.3": "8da2e4114b6df50d0164da8b43f09fb78aad6dfc48d73112b9d585d71976ccae",
    "2026.12.06.4": "61235c6e1602cf15f614b47bac8cee520fc884ca5e13dd14d95cde17df510414",
    "2026.12.06.5": "d0e201c427a470e996c9b7c14e108d886cb6ed3b5e36e94dac659bc5db551cf3",
    "2026.12.06.6": "a7401861b86ab423a989ea195b53fb51fa42428a7f200caf161d7eeabc76be15",
    "2026.12.06.7": "24b3a5ab6b31ba30c28d5aedfa436eefb32847d95d0a58ec891d11990a3e5d11",
    "2026.12.06.8": "d290b0e81cfa4ea88a225203b147890d9be5043e0af3879e0741c292c8b19e07",
}


def _without_docstrings_and_version(tree: ast.Module) -> ast.Module:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    tree.body = [
        node
        for node in tree.body
        if not (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "RULE_VERSION" for t in node.targets)
        )
    ]
    return tree


def rule_code_digest() -> str:
    """SHA-256 of compliance/*.py, each parsed, stripped of docstrings and of the
    RULE_VERSION assignment, and written back by ast.unparse, in file-name order."""
    digest = hashlib.sha256()
    for path in sorted(Path(compliance.__file__).parent.glob("*.py")):
        tree = _without_docstrings_and_version(ast.parse(path.read_text(encoding="utf-8")))
        digest.update(path.name.encode() + b"\0" + ast.unparse(tree).encode() + b"\0")
    return digest.hexdigest()


def test_the_rule_s_code_is_the_one_its_version_names():
    assert RULE_CODE.get(RULE_VERSION) == rule_code_digest(), (
        f"compliance/ is not the code recorded for rule {RULE_VERSION}: if the change can "
        "alter a verdict or its stored reasons, move RULE_VERSION (compliance/facts.py) and "
        f"record {rule_code_digest()} under the new version; if it cannot, record it under "
        "this one."
    )


def test_the_digest_ignores_comments_docstrings_and_layout_but_not_code():
    source = 'def f(x):\n    """Doc."""\n    # note\n    return x + 1\n'
    same = "def f(x):\n    return (x +\n            1)\n"
    other = "def f(x):\n    return x + 2\n"

    def digest(text):
        return ast.unparse(_without_docstrings_and_version(ast.parse(text)))

    assert digest(source) == digest(same) != digest(other)
    versioned = 'RULE_VERSION = "1"\nLIMIT = 3\n'
    assert (
        digest(versioned)
        == digest('RULE_VERSION = "2"\nLIMIT = 3\n')
        != digest('RULE_VERSION = "1"\nLIMIT = 4\n')
    )
