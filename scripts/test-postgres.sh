#!/usr/bin/env bash
# Run the suite again on PostgreSQL. Without a server: a loud skip, or a failure when
# REQUIRE_POSTGRES=1 (as in CI).
set -uo pipefail
cd "$(dirname "$0")/.."
url=${1:-postgres://postgres@127.0.0.1:5432/samizdat}
if ! .venv/bin/python - "$url" <<'PY' 2>/dev/null
import sys, psycopg
from urllib.parse import urlsplit
parts = urlsplit(sys.argv[1])
psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                password=parts.password, dbname="postgres", connect_timeout=3).close()
PY
then
  echo
  echo "################################################################"
  echo "##  PostgreSQL is not reachable at ${url%%/*}//…"
  echo "##  THE POSTGRESQL RUN WAS SKIPPED: only SQLite was tested."
  echo "################################################################"
  echo
  if [ "${REQUIRE_POSTGRES:-0}" = "1" ]; then
    echo "REQUIRE_POSTGRES=1: failing."
    exit 1
  fi
  exit 0
fi
echo "==> Test suite on PostgreSQL"
DATABASE_CONN_MAX_AGE=0 SECRET_KEY=test-secret-key SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 DATABASE_URL="$url" exec .venv/bin/pytest
