#!/usr/bin/env bash
# Serve the demo outlet for `make run`, with the task worker beside it; every minute, scheduled pages go live, due event reminders and
# newsletter digests go out (to the console), newsletter sends a dead worker left are resumed, and
# fediverse deliveries due for a retry are queued again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

( while sleep 60; do
    "$PY" manage.py publish_scheduled >/dev/null 2>&1 || true
    "$PY" manage.py send_event_reminders >/dev/null 2>&1 || true
    "$PY" manage.py send_newsletters >/dev/null 2>&1 || true
    "$PY" manage.py retry_federation_deliveries >/dev/null 2>&1 || true
  done ) &
scheduler=$!
# The task worker: mail, renditions, search indexing and deliveries run here, never in a request.
"$PY" manage.py db_worker --interval 1 &
worker=$!
trap 'kill $scheduler $worker 2>/dev/null || true' EXIT

# The password load_demo made on first load (never a fixed one: see load_demo's docstring).
logins="${SAMIZDAT_VAR_DIR:-var}/demo-logins.txt"
if [ -n "${DEMO_ADMIN_PASSWORD:-}" ]; then
  password="(DEMO_ADMIN_PASSWORD)"
elif [ -r "$logins" ]; then
  password=$(head -n1 "$logins")
else
  password="(the one given when the demo was loaded)"
fi

cat <<BANNER

  Samizdat demo outlet: http://localhost:${PORT}/   (Spanish: http://localhost:${PORT}/es/)
  Admin: http://localhost:${PORT}/admin/
    admin     / ${password}   (superuser)
    editor    / ${password}   (writes and submits for review)
    moderator / ${password}   (approves and publishes)

BANNER
"$PY" manage.py runserver "${HOST}:${PORT}"
