"""The project's own packages, from the bottom of the layout up (ARCHITECTURE.md)."""

PROJECT_PACKAGES = (
    "compliance",
    "core",
    "states",
    "warrants",
    "visits",
    "api",
    "front",
    "dataset",
    "devtools",
    "iccwatch",
)
