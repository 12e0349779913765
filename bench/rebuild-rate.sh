#!/usr/bin/env bash
# The rebuild benchmark of issue 4 (see bench/README.md, "Rebuild rate"):
#
#   bench/rebuild-rate.sh                  # 100000, 300000 and 1000000 events
#   SIZES="100000" VERIFY=1 bench/rebuild-rate.sh
#   STORE=sqlite SIZES="100000 1000000" VERIFY=1 bench/rebuild-rate.sh
#
# For each size: seeds a PostgreSQL database with that many domain events through the store
# (`seed-events`, once, kept as a template `rebuild_rate_seed_<size>`), copies it into a fresh
# database, runs `event-manager rebuild` on the copy under `/usr/bin/time -v`, prints the
# rebuild's summary line, its peak RSS and the load average, then drops the copy. With
# VERIFY=1 it also runs `event-manager verify` on the rebuilt copy before dropping it.
#
# With STORE=sqlite the same with SQLite files: the seed is kept as
# $SQLITE_DIR/rebuild_rate_seed_<size>.db and copied to a run file.
#
# Settings (environment): STORE (postgres), SIZES (100000 300000 1000000),
# PG (postgres://postgres@127.0.0.1:5432), SQLITE_DIR (/tmp),
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
STORE=${STORE:-postgres}
SQLITE_DIR=${SQLITE_DIR:-/tmp}

psql_admin() { psql "$PG/postgres" -X -q -v ON_ERROR_STOP=1 "$@"; }
exists() { [ "$(psql "$PG/postgres" -X -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

# A fresh copy of the seeded store of `size` events; prints its URL.
prepare() {
    local size=$1 seed=rebuild_rate_seed_$1 run=rebuild_rate_run_$1
    if [ "$STORE" = sqlite ]; then
        if [ ! -f "$SQLITE_DIR/$seed.db" ]; then
            "$BIN/seed-events" --database-url "sqlite:$SQLITE_DIR/$seed.db" --events "$size" 2>/dev/null >&2
        fi
        rm -f "$SQLITE_DIR/$run.db"*
        for part in "" -wal -shm; do
            [ ! -f "$SQLITE_DIR/$seed.db$part" ] || cp "$SQLITE_DIR/$seed.db$part" "$SQLITE_DIR/$run.db$part"
        done
        echo "sqlite:$SQLITE_DIR/$run.db"
        return
    fi
    if ! exists "$seed"; then
        psql_admin -c "CREATE DATABASE $seed" >&2
        "$BIN/seed-events" --database-url "$PG/$seed" --events "$size" 2>/dev/null >&2
    fi
    psql_admin -c "DROP DATABASE IF EXISTS $run" -c "CREATE DATABASE $run TEMPLATE $seed" >&2
    echo "$PG/$run"
}

discard() {
    if [ "$STORE" = sqlite ]; then rm -f "$SQLITE_DIR/rebuild_rate_run_$1.db"*; else psql_admin -c "DROP DATABASE rebuild_rate_run_$1"; fi
}

for size in $SIZES; do
    url=$(prepare "$size")
    echo "## $size events on $STORE"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    DATABASE_URL=$url RUST_LOG=error /usr/bin/time -v -o "/tmp/rebuild-$size.time" \
        "$EVENT_MANAGER" rebuild </dev/null
    echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
    grep -E 'Maximum resident set size|Elapsed \(wall clock\)|User time|System time' "/tmp/rebuild-$size.time" | sed 's/^\t*/  /'
    if [ "$VERIFY" = 1 ]; then
        DATABASE_URL=$url RUST_LOG=error /usr/bin/time -v -o "/tmp/verify-$size.time" \
            "$EVENT_MANAGER" verify </dev/null | tail -1
        grep -E 'Maximum resident set size' "/tmp/verify-$size.time" | sed 's/^\t*/  verify: /'
    fi
    discard "$size"
    echo
done

if [ "$KEEP_SEEDS" != 1 ]; then
    for size in $SIZES; do
        if [ "$STORE" = sqlite ]; then rm -f "$SQLITE_DIR/rebuild_rate_seed_$size.db"*
        else psql_admin -c "DROP DATABASE IF EXISTS rebuild_rate_seed_$size"; fi
    done
fi
