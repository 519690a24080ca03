"""Which ISO 3166-1 entries are territories of a State, not States themselves.

ISO 3166-1 gives Réunion, Greenland or Puerto Rico codes of their own, so every one of
the 249 entries exists as a `State` row (a visit may name any of them). Only States
join the Rome Statute, though: counting Réunion among the States that are "not a
party" would be wrong twice over, since France, a State Party, is the State it belongs
to. Which State an entry belongs to is read from the borders dataset of the npm package
`@rapideditor/country-coder` (ISC licence; the data behind OpenStreetMap's editors):
each feature with an ISO 3166-1 code carries, for a territory, the alpha-2 code of its
`country`. The package is installed by `npm ci` from package-lock.json, like the map's
shapes; without it no entry is marked and every entry without a treaty timeline reads
as not a party, as before.

The dataset's own `states.csv` prevails: an entry it lists is treated as a State
whatever the package says (the Cook Islands acceded to the Statute in their own right).
The package also files the two States in free association with New Zealand under it;
the UN Secretary-General, as depositary, recognises the full treaty-making capacity of
the Cook Islands and Niue (Summary of Practice of the Secretary-General as Depositary of
Multilateral Treaties, ST/LEG/7/Rev.1, para. 86), so they are never marked
(`SELF_GOVERNING`): Niue, which has not joined, is a State that is not a party.
Whether a State's ratification extends to one of its territories depends on the terms
of that ratification, which the dataset does not record: this module says only whose
territory an entry is, never that the Statute applies there.

Two entries are neither States nor any State's territory (`NOT_STATES`): Antarctica,
whose claims the Antarctic Treaty sets aside (Art. IV, 1959), and Western Sahara, a
Non-Self-Governing Territory on the UN's list whose status is not settled. The borders
dataset rightly names no State for either; they are not States that are "not a party"
either, and read as "not a State" (states.status.NOT_A_STATE). As for territories, a
row of `states.csv` prevails: a party's timeline recorded for one would be shown.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


# States in free association that the depositary treats as States (see above).
SELF_GOVERNING = frozenset({"COK", "NIU"})

# Entries that are neither States nor the territory of one (see above): {ISO3: why, a
# sentence for the entry's page}.
NOT_STATES = {
    "ATA": _(
        "The Antarctic Treaty of 1959 freezes the territorial claims to it (Art. IV): it "
        "neither recognises nor denies them, and no State's sovereignty over it is "
        "recognised under the Treaty."
    ),
    "ESH": _(
        "The United Nations lists it as a Non-Self-Governing Territory, whose status is yet "
        "to be settled."
    ),
}


class TerritoriesUnavailable(Exception):
    """The borders dataset is missing or unreadable (run `npm ci`); the message says which."""


def sovereigns(path: Path | None = None) -> dict[str, str]:
    """{territory ISO3: ISO3 of the State it belongs to}, e.g. {"REU": "FRA", "GRL": "DNK"}.

    `path` is country-coder's `borders.json` (a GeoJSON FeatureCollection whose features'
    properties hold `iso1A2`, `iso1A3` and, for a territory, `country`, an alpha-2 code);
    by default `settings.COUNTRY_CODER_BORDERS`. Entries whose State has no alpha-3 code
    in the file, and the States of `SELF_GOVERNING`, are left out. Raises TerritoriesUnavailable when the file is missing or
    is not that dataset.
    """
    path = Path(path or settings.COUNTRY_CODER_BORDERS)
    try:
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
    except FileNotFoundError:
        raise TerritoriesUnavailable(f"{path} not found (run `npm ci`)") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TerritoriesUnavailable(f"{path} is not country-coder's borders: {error}") from None
    properties = [f.get("properties") or {} for f in features if isinstance(f, dict)]
    alpha3 = {p["iso1A2"]: p["iso1A3"] for p in properties if p.get("iso1A2") and p.get("iso1A3")}
    found = {
        p["iso1A3"]: alpha3[p["country"]]
        for p in properties
        if p.get("iso1A3")
        and p["iso1A3"] not in SELF_GOVERNING
        and p.get("country") in alpha3
        and alpha3[p["country"]] != p["iso1A3"]
    }
    if not found:
        raise TerritoriesUnavailable(f"{path} names no territory of any State")
    return found
