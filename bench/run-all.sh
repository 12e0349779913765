#!/usr/bin/env bash
# The whole benchmark of issue 7 in one command (see bench/README.md):
#
#   bench/run-all.sh > bench-results.md
#
# Builds the workspace in release from clean (timed), measures pgbench single-row inserts on
# PostgreSQL, then runs every scenario at 1, 16 and 64 clients against the service on a fresh
# SQLite file and on a fresh PostgreSQL database, each `list` run followed by the same run
# against bench-ceiling. The markdown table goes to stdout, progress to stderr.
#
# Settings (environment): DURATION (10s), CLIENTS (1,16,64), SCENARIOS (all),
# PG (postgres://postgres@127.0.0.1:5432), SERVER_LOG (RUST_LOG of the service, warn),
# EVENT_MANAGER (the service binary to bench; by default the one just built: set it to an
# older build to bench both in one session), LABEL (a prefix for the table's first column),
# CLEAN_BUILD (1: time a release build from scratch in target/bench-clean; 0: plain
# `cargo build --release --workspace` into target/, not timed).
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CLIENTS=${CLIENTS:-1,16,64}
SCENARIOS=${SCENARIOS:-all}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
SERVER_LOG=${SERVER_LOG:-warn}
CLEAN_BUILD=${CLEAN_BUILD:-1}

PGBENCH_SECONDS=${DURATION%s}
case $PGBENCH_SECONDS in
    '' | *[!0-9]*) echo "run-all: DURATION must be whole seconds (like 10s) for pgbench" >&2; exit 2 ;;
esac

WORK=$(mktemp -d -t event-manager-bench.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { echo "run-all: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ready() { # URL
    for _ in $(seq 1 120); do
        curl -sf "$1" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    say "nothing answered at $1"
    return 1
}

# 1. Release build, timed from scratch (dependencies fetched first, so the network is not timed).
cargo fetch --locked >&2
if [ "$CLEAN_BUILD" = 1 ]; then
    export CARGO_TARGET_DIR=target/bench-clean
    rm -rf "$CARGO_TARGET_DIR"
    say "building the workspace in release from scratch (timed)"
    start=$(date +%s)
    cargo build --release --workspace --locked >&2
    secs=$(($(date +%s) - start))
    BUILD_ARGS=(--build-time "$((secs / 60))m $((secs % 60))s from clean, $(nproc) cores")
else
    cargo build --release --workspace --locked >&2
    BUILD_ARGS=()
fi
BIN=${CARGO_TARGET_DIR:-target}/release
EVENT_MANAGER=${EVENT_MANAGER:-$BIN/event-manager}
LABEL=${LABEL:-}
say "release build: ${BUILD_ARGS[1]:-not timed}"

# 2. The HTTP ceiling: a bare axum JSON handler.
CEILING_PORT=$(free_port)
"$BIN/bench-ceiling" --bind "127.0.0.1:$CEILING_PORT" >"$WORK/ceiling.log" 2>&1 &
PIDS+=($!)
wait_ready "http://127.0.0.1:$CEILING_PORT/api/events"

# 3. pgbench single-row inserts on the same PostgreSQL, in a fresh database.
psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS bench_pgbench' -c 'CREATE DATABASE bench_pgbench' >&2
psql "$PG/bench_pgbench" -q -f migrations/postgres/0001_event_store.sql >&2
PGBENCH_TPS=()
for clients in ${CLIENTS//,/ }; do
    threads=$((clients < 2 ? clients : 2))
    say "pgbench insert × $clients clients"
    tps=$(pgbench -n -M prepared -c "$clients" -j "$threads" -T "$PGBENCH_SECONDS" \
        -f bench/pgbench-insert.sql "$PG/bench_pgbench" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
    PGBENCH_TPS+=("$clients=$tps")
done
psql "$PG/postgres" -qc 'DROP DATABASE bench_pgbench' >&2
PGBENCH_ARG=$(IFS=,; echo "${PGBENCH_TPS[*]}")

# 4. The service on a fresh store, benched, then stopped. EVENTS_PER_DAY=0 lifts the creation
#    throttle so one creator owns every event (the bench copes with a throttle, but the
#    `logs` figures are only comparable between stores with one creator).
bench_service() { # LABEL DATABASE_URL [extra bench args…]
    local label=$1 database_url=$2
    shift 2
    local port
    port=$(free_port)
    BIND="127.0.0.1:$port" DATABASE_URL="$database_url" EVENTS_PER_DAY=0 RUST_LOG="$SERVER_LOG" \
        "$EVENT_MANAGER" serve >"$WORK/$label.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    wait_ready "http://127.0.0.1:$port/api/events?page_size=1"
    "$BIN/bench" --url "http://127.0.0.1:$port" --label "$LABEL$label" --server-pid "$pid" \
        --scenario "$SCENARIOS" --clients "$CLIENTS" --duration "$DURATION" \
        --ceiling-url "http://127.0.0.1:$CEILING_PORT" "$@"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

mkdir -p "$WORK/sqlite"
bench_service sqlite "sqlite:$WORK/sqlite/bench.db" "${BUILD_ARGS[@]}"

psql "$PG/postgres" -qc 'DROP DATABASE IF EXISTS bench_events' -c 'CREATE DATABASE bench_events' >&2
bench_service postgres "$PG/bench_events" --no-header --pgbench-tps "$PGBENCH_ARG"
psql "$PG/postgres" -qc 'DROP DATABASE bench_events' >&2
say "done"
