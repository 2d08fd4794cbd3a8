#!/usr/bin/env bash
# Samizdat benchmark: how fast gunicorn + Django serve the home, a section and an article
# page, next to nginx serving the same article as a static file.
#
# Not a test and never run in CI. Only talks to 127.0.0.1. Everything it writes goes to
# bench/results/ (gitignored): a fresh SQLite database filled by `manage.py load_demo`,
# collected static files, logs, the raw wrk outputs and latest.txt (the report).
#
# Knobs (environment):
#   BENCH_DURATION     wrk run per page, default 10s
#   BENCH_WARMUP       wrk warm-up per page, default 2s
#   BENCH_THREADS      wrk threads, default 2
#   BENCH_CONNECTIONS  wrk connections, default 20
#   BENCH_TIMEOUT      wrk request timeout, default 10s (wrk's own 2s would drop slow responses)
#   BENCH_WORKERS      gunicorn workers, default 2
#   BENCH_WORKER_CLASS gunicorn worker class, default sync (gthread also works)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
PYTHON="$ROOT/.venv/bin/python"

DURATION="${BENCH_DURATION:-10s}"
WARMUP="${BENCH_WARMUP:-2s}"
THREADS="${BENCH_THREADS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-20}"
TIMEOUT="${BENCH_TIMEOUT:-10s}"
WORKERS="${BENCH_WORKERS:-2}"
WORKER_CLASS="${BENCH_WORKER_CLASS:-sync}"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- 1. Tools ---------------------------------------------------------------------------

[[ -x "$PYTHON" ]] || die "no virtualenv at $ROOT/.venv — set up the project first (e.g. \`make run\`), then retry."

find_nginx() { command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[[ -n "$(find_nginx)" ]] || missing+=(nginx-light)
if ((${#missing[@]})); then
    log "Installing ${missing[*]} with apt-get"
    sudo=""
    [[ $EUID -eq 0 ]] || sudo="sudo"
    $sudo apt-get update
    $sudo apt-get install -y "${missing[@]}"
fi
NGINX="$(find_nginx)"
[[ -n "$NGINX" ]] || die "nginx is still missing after apt-get install."

if ! "$PYTHON" -c 'import gunicorn' 2>/dev/null; then
    log "Installing gunicorn into the venv"
    "$PYTHON" -m pip install --quiet gunicorn
fi

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# --- 2. Database, demo content, static files ---------------------------------------------

mkdir -p "$RESULTS"
rm -rf "$RESULTS/var" "$RESULTS/static-site" "$RESULTS"/bench.sqlite3* "$RESULTS"/wrk-*.txt

# Keep the run self-contained: our own database and var dir, production-style settings,
# no Redis, S3 or CDN purging even if the caller's shell has them configured.
unset REDIS_URL CACHE_DIR S3_BUCKET FRONTEND_CACHE_PURGE_URL STATIC_ROOT MEDIA_ROOT
export DATABASE_URL="sqlite:///$RESULTS/bench.sqlite3"
export SAMIZDAT_VAR_DIR="$RESULTS/var"
export TASKS_BACKEND=immediate
export DEBUG=0
export SECRET_KEY=bench-secret-key
export SECURE_SSL_REDIRECT=0
export SECURE_COOKIES=0
export SECURE_HSTS_SECONDS=0
export ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SETTINGS_MODULE=samizdat.settings

manage() { (cd "$ROOT" && "$PYTHON" manage.py "$@"); }

log "Preparing $RESULTS/bench.sqlite3"
manage migrate --noinput >"$RESULTS/migrate.log" || { cat "$RESULTS/migrate.log" >&2; die "migrate failed"; }
manage load_demo
manage collectstatic --noinput >"$RESULTS/collectstatic.log" || { cat "$RESULTS/collectstatic.log" >&2; die "collectstatic failed"; }

declare -A URL
while IFS=$'\t' read -r marker name path; do
    [[ "$marker" == BENCHURL ]] || continue
    [[ -n "$path" ]] || die "no live English $name page after load_demo."
    URL[$name]="$path"
done < <(manage shell -c "$(cat "$BENCH/urls.py")")
PAGES=(home section article)
for page in "${PAGES[@]}"; do
    [[ -n "${URL[$page]:-}" ]] || die "could not ask Django for the $page page's URL."
done

# --- 3. Servers ---------------------------------------------------------------------------

GUNICORN_PID=""
NGINX_PID=""
stop() {
    local pid
    for pid in "$GUNICORN_PID" "$NGINX_PID"; do
        [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
    done
    for pid in "$GUNICORN_PID" "$NGINX_PID"; do
        [[ -n "$pid" ]] && wait "$pid" 2>/dev/null
    done
    return 0
}
trap stop EXIT
trap 'exit 130' INT TERM

wait_for() {  # wait_for URL LOGFILE PID — until the server answers at all
    for _ in $(seq 100); do
        curl -s -o /dev/null "$1" && return 0
        kill -0 "$3" 2>/dev/null || { tail -n 40 "$2" >&2; die "server for $1 exited"; }
        sleep 0.1
    done
    tail -n 40 "$2" >&2
    die "server for $1 did not come up within 10s"
}

DJANGO_PORT="$(free_port)"
DJANGO="http://127.0.0.1:$DJANGO_PORT"
log "Starting gunicorn ($WORKERS $WORKER_CLASS workers) on $DJANGO"
"$ROOT/.venv/bin/gunicorn" samizdat.wsgi:application \
    --chdir "$ROOT" \
    --bind "127.0.0.1:$DJANGO_PORT" \
    --workers "$WORKERS" --worker-class "$WORKER_CLASS" \
    --error-logfile "$RESULTS/gunicorn.log" --log-level warning \
    --no-control-socket &
GUNICORN_PID=$!
wait_for "$DJANGO/" "$RESULTS/gunicorn.log" "$GUNICORN_PID"

mkdir -p "$RESULTS/static-site"
notes=()
for page in "${PAGES[@]}"; do
    status="$(curl -s -o "$RESULTS/static-site/$page.html" -w '%{http_code}' "$DJANGO${URL[$page]}")"
    [[ "$status" == 200 ]] || { tail -n 40 "$RESULTS/gunicorn.log" >&2; die "$page page ${URL[$page]} answered HTTP $status, not 200"; }
    notes+=("$(printf '%-8s %s (%s bytes)' "$page" "${URL[$page]}" "$(wc -c <"$RESULTS/static-site/$page.html")")")
done

NGINX_PORT="$(free_port)"
STATIC="http://127.0.0.1:$NGINX_PORT/article.html"
nginx_user=""
[[ $EUID -eq 0 ]] && nginx_user="user $(id -un) $(id -gn);"  # workers must read bench/results
cat >"$RESULTS/nginx.conf" <<EOF
# Written by bench/run.sh: nginx serving the saved article HTML, the "how fast could it be" reference.
$nginx_user
worker_processes 2;
daemon off;
pid $RESULTS/nginx.pid;
error_log $RESULTS/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path $RESULTS/nginx-tmp/body;
    proxy_temp_path $RESULTS/nginx-tmp/proxy;
    fastcgi_temp_path $RESULTS/nginx-tmp/fastcgi;
    uwsgi_temp_path $RESULTS/nginx-tmp/uwsgi;
    scgi_temp_path $RESULTS/nginx-tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $RESULTS/static-site;
    }
}
EOF
mkdir -p "$RESULTS/nginx-tmp"
log "Starting nginx on http://127.0.0.1:$NGINX_PORT"
"$NGINX" -p "$RESULTS" -c "$RESULTS/nginx.conf" -e "$RESULTS/nginx-error.log" &
NGINX_PID=$!
wait_for "$STATIC" "$RESULTS/nginx-error.log" "$NGINX_PID"

# --- 4. Load ------------------------------------------------------------------------------

declare -A TARGET=([home]="$DJANGO${URL[home]}" [section]="$DJANGO${URL[section]}"
                   [article]="$DJANGO${URL[article]}" [nginx]="$STATIC")
runs=()
for name in "${PAGES[@]}" nginx; do
    log "wrk $name: ${TARGET[$name]} (warm-up $WARMUP, then $DURATION, -t$THREADS -c$CONNECTIONS)"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$TIMEOUT" "${TARGET[$name]}" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency "${TARGET[$name]}" \
        | tee "$RESULTS/wrk-$name.txt"
    runs+=("$name=$RESULTS/wrk-$name.txt")
done

# --- 5. Report ----------------------------------------------------------------------------

log "Results"
"$PYTHON" "$BENCH/report.py" --out "$RESULTS/latest.txt" \
    --note "Samizdat benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+dirty')" \
    --note "host: $(nproc) CPUs, $(uname -sr); wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine" \
    --note "django: gunicorn $WORKERS $WORKER_CLASS workers, DEBUG=0, SQLite, file cache; nginx: worker_processes 2, static file" \
    "${notes[@]/#/--note=}" \
    "${runs[@]}"
echo "(written to ${RESULTS#"$ROOT"/}/latest.txt)"
