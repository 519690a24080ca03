"""The project's own packages and their layers, bottom to top (ARCHITECTURE.md)."""

# Lower numbers are lower in the layout: a module may import its own layer and those below.
LAYERS = {
    "compliance": 0,  # the law, pure Python
    "core": 1,  # sources, identifiers, dates, cache
    "states": 2,
    "warrants": 3,
    "visits": 4,
    "api": 5,  # the ways out
    "front": 5,
    "dataset": 5,
    "alerts": 5,  # mail and webhooks; nothing below imports it
    "accounts": 5,  # staff sign-in pages (second factor, lockout)
    "newsroom": 5,  # the newsroom's pages (reports and their review)
    "devtools": 6,
    "iccwatch": 7,  # configuration
}

PROJECT_PACKAGES = tuple(LAYERS)
