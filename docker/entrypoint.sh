#!/bin/sh
# The production image's entrypoint (see README.md, "Production"):
#
#   web      migrate, import data/ when the database holds no state yet, count the
#            pages' summaries in the background (warm_summaries), then gunicorn
#   worker   the Celery worker
#   beat     the Celery beat scheduler (it enqueues the outbox sweep)
#   assets   build time: compile the translations and collect the static files (web
#            refuses to start in production without them)
#   manage   python manage.py with the remaining arguments
#   anything else is run as it is (e.g. `sh`).
#
# Configuration comes from the environment (.env.example lists every variable).
# Beside those: ICCWATCH_BIND (gunicorn's address, default 127.0.0.1:8000: the site trusts
# the X-Forwarded-For of the proxy in front, so gunicorn must be reachable through that
# proxy only; the image sets 0.0.0.0:8000, its port published on the host's 127.0.0.1),
# WEB_CONCURRENCY (gunicorn's worker processes, gunicorn's own variable; 3 here by
# default), ICCWATCH_WEB_THREADS (threads per worker process, default 4) and
# ICCWATCH_BEAT_SCHEDULE (beat's state file, default /tmp/celerybeat-schedule). The worker
# and beat log at DJANGO_LOG_LEVEL (INFO by default), as the web processes do.
#
# The web workers are threaded (gthread): a worker's main thread keeps telling gunicorn
# it is alive while its threads answer, so a download that streams for minutes (the
# visits of the busiest country as CSV) is not killed at gunicorn's 30-second worker
# timeout, as a synchronous worker is, cut short under a 200 status; and one long
# download occupies a thread, not a whole process. docker/gunicorn.conf.py holds the rest
# of gunicorn's settings: an access log without the secrets of password links, and no
# control socket.
set -eu
cd "$(dirname "$0")/.."
# The image's venv is complete: manage.py must never try to build a .venv of its own.
export ICCWATCH_SKIP_BOOTSTRAP=1
# The level as the settings read it, without the spaces around it (" info" passes there).
LOG_LEVEL="$(printf '%s' "${DJANGO_LOG_LEVEL:-INFO}" | tr -d '[:space:]')"

manage() {
    python manage.py "$@"
}

# A worker or beat without CELERY_BROKER_URL would use Celery's default broker
# (amqp://guest@localhost:5672//), whatever answers there: refused, as iccwatch/celery.py
# refuses it for `celery worker` and `celery beat` started by hand.
require_broker() {
    if [ -z "$(printf '%s' "${CELERY_BROKER_URL:-}" | tr -d '[:space:]')" ]; then
        echo "CELERY_BROKER_URL is not set: the $1 needs the broker web enqueues into (e.g. redis://127.0.0.1:6379/0)." >&2
        exit 1
    fi
}

command="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$command" in
    assets)
        # Neither command opens the database nor signs anything, but the production
        # settings refuse to load without these. The key is random and thrown away
        # with this step: production refuses any fixed placeholder key.
        export DJANGO_ENV="${DJANGO_ENV:-production}"
        if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
            DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
            export DJANGO_SECRET_KEY
        fi
        export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-build}"
        export ICCWATCH_BASE_URL="${ICCWATCH_BASE_URL:-https://build.invalid}"
        export DATABASE_URL="${DATABASE_URL:-postgres://build@localhost/build}"
        export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://build.invalid:6379/0}"
        export EMAIL_HOST="${EMAIL_HOST:-build.invalid}"
        export DJANGO_DEFAULT_FROM_EMAIL="${DJANGO_DEFAULT_FROM_EMAIL:-noreply@build.invalid}"
        manage compilemessages --verbosity 1
        manage collectstatic --noinput --verbosity 1
        ;;
    web)
        # Production's pages link to the static files by their hashed names, which
        # `assets` writes into staticfiles/staticfiles.json: without it every page is a 500.
        if [ "$(printf '%s' "${DJANGO_ENV:-}" | tr -d '[:space:]')" = production ] \
            && [ ! -f staticfiles/staticfiles.json ]; then
            echo "staticfiles/staticfiles.json is missing: run docker/entrypoint.sh assets (once per release) before web." >&2
            exit 1
        fi
        manage migrate --noinput
        states="$(manage shell --verbosity 0 --command 'from states.models import State; print(State.objects.count())')"
        if [ "$states" = "0" ]; then
            echo "The database holds no state: importing the dataset in data/."
            manage import_dataset data
        fi
        # The pages' summaries, counted in the background while gunicorn starts: with
        # an empty cache, the first reader of a page would otherwise wait for them. Only
        # into Redis: without it each process has a cache of its own. With Redis out of
        # reach it counts nothing and says so (exit status 1): gunicorn starts all the same.
        if [ -n "${REDIS_URL:-}" ]; then
            manage warm_summaries &
        fi
        # The bulk downloads of /data/, when the data changed since the last build (the
        # worker's hourly task does the same): in the background, so the site answers
        # at once; /data/ says when none is built yet.
        manage build_downloads &
        exec gunicorn iccwatch.wsgi \
            --config docker/gunicorn.conf.py \
            --bind "${ICCWATCH_BIND:-127.0.0.1:8000}" \
            --workers "${WEB_CONCURRENCY:-3}" \
            --worker-class gthread \
            --threads "${ICCWATCH_WEB_THREADS:-4}" \
            --access-logfile - \
            "$@"
        ;;
    worker)
        require_broker worker
        exec celery -A iccwatch worker --loglevel="${LOG_LEVEL:-INFO}" "$@"
        ;;
    beat)
        require_broker beat
        exec celery -A iccwatch beat --loglevel="${LOG_LEVEL:-INFO}" \
            --schedule="${ICCWATCH_BEAT_SCHEDULE:-/tmp/celerybeat-schedule}" "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
