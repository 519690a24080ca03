"""How a dataset folder's CHANGELOG.md names its versions: one entry per version, newest
first, each under a heading `## 2026.11.30.2 — 2026-11-30` (the version, a dash and the
day of the release). The importer reads it to ask a new VERSION for its entry
(`dataset.importer.check_version`); /data/ and its changelog page and feed render it
(`front.views.data`).
"""

from __future__ import annotations

import re

# "## 2026.11.30.2 — 2026-11-30": a version and its release date (the date may be left out,
# and the dash written as one or more hyphens).
ENTRY_HEADING = re.compile(r"^## (?P<version>\S+)(?:\s+[—-]+\s+(?P<date>\d{4}-\d{2}-\d{2}))?\s*$")


def versions(text: str) -> list[str]:
    """The versions `text` (a CHANGELOG.md) has an entry for, in its order (newest first)."""
    return [match["version"] for line in text.splitlines() if (match := ENTRY_HEADING.match(line))]
