#!/usr/bin/env bash
# Statements per command (issue 15): what one join or leave costs the store, end to end.
#
#   bench/statements.sh                          # hot-join and spread-join, 16 clients, 5 s
#   EVENT_MANAGER=/tmp/old/event-manager SCENARIOS=hot-join bench/statements.sh
#
# For each store, starts the service on a fresh database and runs `bench` on one scenario.
# The counts cover exactly the timed run: they are reset when the bench says `run:` and
# read when it says `check:` (before the invariant check's reads).
# - PostgreSQL: pg_stat_statements (it must be in shared_preload_libraries; the script says
#   so if not): calls and total time per statement, divided by the commands answered.
# - SQLite: the service's own statement log (sqlx logs every statement at debug level under
#   `sqlx::query`), counted per statement.
# The number of commands is the service's `commands_total` (ok + rejected) over the run.
#
# Settings (environment): EVENT_MANAGER (target/release/event-manager), BENCH
# (target/release/bench), SCENARIOS (hot-join spread-join), CLIENTS (16), DURATION (5s),
# STORES (postgres sqlite), PG (postgres://postgres@127.0.0.1:5432), TOP (12 statements).
set -euo pipefail

cd "$(dirname "$0")/.."
EVENT_MANAGER=${EVENT_MANAGER:-target/release/event-manager}
BENCH=${BENCH:-target/release/bench}
SCENARIOS=${SCENARIOS:-hot-join spread-join}
CLIENTS=${CLIENTS:-16}
DURATION=${DURATION:-5s}
STORES=${STORES:-postgres sqlite}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
TOP=${TOP:-12}

WORK=$(mktemp -d -t statements.XXXXXX)
SERVER=
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
commands() { # URL: commands answered so far (ok + rejected)
    curl -sf "$1/metrics" | awk '/^commands_total\{/ && /outcome="(ok|rejected)"/ { n += $NF } END { print n + 0 }'
}

if [[ " $STORES " == *" postgres "* ]] &&
    [[ "$(psql "$PG/postgres" -XAtc "SHOW shared_preload_libraries")" != *pg_stat_statements* ]]; then
    echo "statements: pg_stat_statements is not loaded; run once, as the PostgreSQL superuser:" >&2
    echo "  ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'; then restart PostgreSQL" >&2
    exit 2
fi

for store in $STORES; do
    for scenario in $SCENARIOS; do
        port=$(free_port)
        url=http://127.0.0.1:$port
        log=$WORK/$store-$scenario.log
        case $store in
            postgres)
                db=statements_$$
                psql "$PG/postgres" -Xqc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
                psql "$PG/$db" -Xqc 'CREATE EXTENSION pg_stat_statements'
                database_url=$PG/$db
                filter=warn
                ;;
            sqlite)
                database_url=sqlite:$WORK/$scenario.db
                filter=warn,sqlx::query=debug
                ;;
        esac
        BIND=127.0.0.1:$port DATABASE_URL=$database_url EVENTS_PER_DAY=0 RUST_LOG=$filter LOG_FORMAT=json \
            "$EVENT_MANAGER" serve >"$log" 2>&1 &
        SERVER=$!
        for _ in $(seq 1 120); do curl -sf "$url/healthz" >/dev/null 2>&1 && break; sleep 0.5; done

        # The timed run's edges, as the bench says them: counters reset at `run:`, read at
        # `check:` (the invariant check's first reads may just slip in).
        marks=$WORK/marks
        : >"$marks"
        "$BENCH" --url "$url" --scenario "$scenario" --clients "$CLIENTS" --duration "$DURATION" \
            --events 100 2>&1 >/dev/null | while IFS= read -r line; do
            case $line in
                run:*)
                    [ "$store" = postgres ] && psql "$PG/$db" -XAtqc 'SELECT pg_stat_statements_reset()' >/dev/null
                    echo "before $(commands "$url") $(wc -l <"$log")" >>"$marks"
                    ;;
                check:*)
                    echo "after $(commands "$url") $(wc -l <"$log")" >>"$marks"
                    [ "$store" = postgres ] && psql "$PG/$db" -XAtqc \
                        "COPY (SELECT calls, total_exec_time, regexp_replace(query, '\s+', ' ', 'g')
                                 FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '$db'))
                         TO STDOUT WITH (FORMAT csv)" >"$WORK/stats.csv"
                    ;;
            esac
        done
        read -r _ before lines_before < <(grep '^before' "$marks") || true
        read -r _ after lines_after < <(grep '^after' "$marks") || true
        if [ -z "${after:-}" ]; then
            echo "statements: the bench did not run" >&2
            exit 2
        fi
        if [ "$store" = sqlite ]; then
            sed -n "$((lines_before + 1)),${lines_after}p" "$log" | python3 -c '
import collections, csv, json, re, sys
calls, secs = collections.Counter(), collections.Counter()
for line in sys.stdin:
    try:
        fields = json.loads(line).get("fields", {})
    except ValueError:
        continue
    statement = fields.get("db.statement") or fields.get("summary")
    if not statement:
        continue
    statement = re.sub(r"\s+", " ", statement).strip()
    # One multi-row INSERT, whatever its number of rows.
    statement = re.sub(r"\((\$\d+(, )?)+\)(, \((\$\d+(, )?)+\))+", "(…), …", statement)
    calls[statement] += 1
    secs[statement] += fields.get("elapsed_secs", 0)
out = csv.writer(sys.stdout)
for statement, n in calls.items():
    out.writerow([n, 1000 * secs[statement], statement])
' >"$WORK/stats.csv"
        fi
        n=$((after - before))
        echo "## $store, $scenario × $CLIENTS clients, $DURATION: $n commands"
        echo
        python3 - "$WORK/stats.csv" "$n" "$TOP" <<'EOF'
import csv, sys
path, n, top = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = [(int(calls), float(ms), query) for calls, ms, query in csv.reader(open(path))]
rows = [r for r in rows if "pg_stat_statements" not in r[2]]
rows.sort(key=lambda r: -r[0])
total_calls = sum(r[0] for r in rows)
total_ms = sum(r[1] for r in rows)
print("| statement | calls per command | µs per command |")
print("| --- | ---: | ---: |")
for calls, ms, query in rows[:top]:
    text = query if len(query) <= 90 else query[:87] + "…"
    print(f"| `{text.replace('|', '¦')}` | {calls / max(n, 1):.2f} | {1000 * ms / max(n, 1):.0f} |")
rest = rows[top:]
if rest:
    print(f"| {len(rest)} others | {sum(r[0] for r in rest) / max(n, 1):.2f} | {1000 * sum(r[1] for r in rest) / max(n, 1):.0f} |")
print(f"| **all** | **{total_calls / max(n, 1):.2f}** | **{1000 * total_ms / max(n, 1):.0f}** |")
print()
EOF
        kill "$SERVER"
        wait "$SERVER" 2>/dev/null || true
        SERVER=
        [ "$store" = postgres ] && psql "$PG/postgres" -Xqc "DROP DATABASE $db WITH (FORCE)"
    done
done
