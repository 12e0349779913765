#!/usr/bin/env bash
# The rebuild benchmark of issue 4 (see bench/README.md, "Rebuild rate"):
#
#   bench/rebuild-rate.sh                  # 100000, 300000 and 1000000 events
#   SIZES="100000" VERIFY=1 bench/rebuild-rate.sh
#
# For each size: seeds a PostgreSQL database with that many domain events through the store
# (`seed-events`, once, kept as a template `rebuild_rate_seed_<size>`), copies it into a fresh
# database, runs `event-manager rebuild` on the copy under `/usr/bin/time -v`, prints the
# rebuild's summary line, its peak RSS and the load average, then drops the copy. With
# VERIFY=1 it also runs `event-manager verify` on the rebuilt copy before dropping it.
#
# Settings (environment): SIZES (100000 300000 1000000), PG (postgres://postgres@127.0.0.1:5432),
# BIN (target/release: event-manager and seed-events, built with
# `cargo build --release -p event-manager -p bench`), EVENT_MANAGER (the binary to rebuild
# with, $BIN/event-manager), VERIFY (0), KEEP_SEEDS (0: drop the template databases at the end).
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-100000 300000 1000000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
BIN=${BIN:-target/release}
VERIFY=${VERIFY:-0}
EVENT_MANAGER=${EVENT_MANAGER:-$BIN/event-manager}
KEEP_SEEDS=${KEEP_SEEDS:-0}

psql_admin() { psql "$PG/postgres" -X -q -v ON_ERROR_STOP=1 "$@"; }
exists() { [ "$(psql "$PG/postgres" -X -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

for size in $SIZES; do
    seed=rebuild_rate_seed_$size
    run=rebuild_rate_run_$size
    if ! exists "$seed"; then
        psql_admin -c "CREATE DATABASE $seed"
        "$BIN/seed-events" --database-url "$PG/$seed" --events "$size" 2>/dev/null
    fi
    psql_admin -c "DROP DATABASE IF EXISTS $run" -c "CREATE DATABASE $run TEMPLATE $seed"
    echo "## $size events"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    DATABASE_URL=$PG/$run RUST_LOG=error /usr/bin/time -v -o "/tmp/rebuild-$size.time" \
        "$EVENT_MANAGER" rebuild </dev/null
    echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
    grep -E 'Maximum resident set size|Elapsed \(wall clock\)|User time|System time' "/tmp/rebuild-$size.time" | sed 's/^\t*/  /'
    if [ "$VERIFY" = 1 ]; then
        DATABASE_URL=$PG/$run RUST_LOG=error "$EVENT_MANAGER" verify </dev/null
    fi
    psql_admin -c "DROP DATABASE $run"
    echo
done

if [ "$KEEP_SEEDS" != 1 ]; then
    for size in $SIZES; do psql_admin -c "DROP DATABASE IF EXISTS rebuild_rate_seed_$size"; done
fi
