"""French formats: a time of day written "15 h 07", as French typography does (no-break
spaces around the "h")."""

TIME_FORMAT = "H\u00a0\\h\u00a0i"
