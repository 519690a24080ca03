"""gunicorn's settings for the web server, which docker/entrypoint.sh starts with
`--config docker/gunicorn.conf.py` (README.md, "Production"). The entrypoint's own
arguments (address, workers, threads, access log) come after and win over this file."""

# The access log with the token of a password link, and any credential in a query
# string, written `[redacted]` (core/accesslog.py).
logger_class = "core.accesslog.RedactingLogger"

# No control socket. gunicorn opens one by default for its `gunicornc` tool, at
# $XDG_RUNTIME_DIR/gunicorn.ctl or $HOME/.gunicorn/gunicorn.ctl: one path for every
# gunicorn of a user on the host (the last to start takes it, and the first to stop
# removes it), and in the image, whose user has no home (/nonexistent), a warning at
# each start. The site is managed with signals (TERM, HUP) by Docker or the supervisor.
control_socket_disable = True
