"""Small helpers that read the environment and refuse values they don't understand."""

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, *, default: str) -> str:
    """The variable's value, or the default when it is unset."""
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean written as 1/0, true/false, yes/no or on/off."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)."
    )


def env_int(name: str, *, default: int, minimum: int = 0) -> int:
    """A whole number, at least `minimum` (0 unless said: no setting here takes a negative
    one, and a period or a timeout of 0 would spin or never wait). Raises
    ImproperlyConfigured naming the variable for anything else."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    # ASCII digits and an optional minus, as the API reads a number: int() would also
    # read "1_0", "+5" or "５" (fullwidth).
    if not re.fullmatch(r"-?[0-9]+", raw.strip()):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.")
    value = int(raw)
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    """A comma-separated list; empty items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, choices: list[str], *, default: str) -> str:
    """One of a fixed set of values."""
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
    return value
