#!/usr/bin/env bash
# `make test`: the suite on SQLite and, at the same time, on PostgreSQL (the two runs share
# nothing: separate databases, temp dirs and ports). SQLite's output streams; PostgreSQL's is
# printed when it ends. Without a PostgreSQL server: a loud skip, or a failure when
# REQUIRE_POSTGRES=1 (as in CI).
#
#   scripts/test-all.sh [POSTGRES_URL] [both|sqlite|postgres]
set -uo pipefail
cd "$(dirname "$0")/.."
url=${1:-postgres://postgres@127.0.0.1:5432/samizdat}
mode=${2:-both}
export SECRET_KEY=test-secret-key SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
mkdir -p var
pg_log=var/test-postgres.log

pg_status=skipped
if [ "$mode" != sqlite ] && .venv/bin/python - "$url" <<'PY' 2>/dev/null
import sys, psycopg
from urllib.parse import urlsplit
parts = urlsplit(sys.argv[1])
psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                password=parts.password, dbname="postgres", connect_timeout=3).close()
PY
then
  echo "==> Test suite on PostgreSQL, in the background (output in $pg_log)"
  DATABASE_CONN_MAX_AGE=0 DATABASE_URL="$url" .venv/bin/pytest --basetemp=var/pytest-postgres --durations=15 \
    >"$pg_log" 2>&1 &
  pg_pid=$!
  pg_status=running
fi

sqlite_rc=0
if [ "$mode" != postgres ]; then
  echo "==> Test suite on SQLite"
  DATABASE_URL= .venv/bin/pytest --basetemp=var/pytest-sqlite --durations=15
  sqlite_rc=$?
fi

pg_rc=0
if [ "$pg_status" = running ]; then
  echo "==> Waiting for the PostgreSQL run…"
  wait "$pg_pid"
  pg_rc=$?
  echo "==> Test suite on PostgreSQL"
  cat "$pg_log"
elif [ "$mode" != sqlite ]; then
  echo
  echo "################################################################"
  echo "##  PostgreSQL is not reachable at ${url%%/*}//…"
  echo "##  THE POSTGRESQL RUN WAS SKIPPED: only SQLite was tested."
  echo "################################################################"
  echo
  if [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "REQUIRE_POSTGRES=1: failing."
    pg_rc=1
  fi
fi

echo "==> SQLite run: $([ "$mode" = postgres ] && echo not asked || { [ $sqlite_rc = 0 ] && echo passed || echo FAILED; });" \
     "PostgreSQL run: $([ "$mode" = sqlite ] && echo not asked || { [ "$pg_status" = skipped ] && echo SKIPPED || { [ $pg_rc = 0 ] && echo passed || echo FAILED; }; })"
[ $sqlite_rc = 0 ] && [ $pg_rc = 0 ]
