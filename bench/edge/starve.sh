#!/usr/bin/env bash
# The victim's GET /api/events/{id} while a crowd searches or reads history (issue 16,
# items 8 and 9; see bench/README.md, "edge/starve.sh"):
#
#   bench/edge/starve.sh search sqlite      # 200,000 listed events, 40 deep searches
#   bench/edge/starve.sh search postgres
#   bench/edge/starve.sh history postgres   # 200,000 stored facts, 40 SSE catch-ups
#
# `search` writes the events straight into the listing's read model (titles `seed N`);
# `history` seeds the event store with `seed-events` and lets the service project it.
# Settings (environment): EVENTS (200000), CLIENTS (40), SECONDS (30), EVENT_MANAGER
# (target/release/event-manager), SEED_EVENTS (target/release/seed-events), PG
# (postgres://postgres@127.0.0.1:5432), PORT (18110).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=$1 store=$2
EVENTS=${EVENTS:-200000} CLIENTS=${CLIENTS:-40} SECONDS_=${SECONDS:-30}
EVENT_MANAGER=${EVENT_MANAGER:-target/release/event-manager}
SEED_EVENTS=${SEED_EVENTS:-target/release/seed-events}
PG=${PG:-postgres://postgres@127.0.0.1:5432} PORT=${PORT:-18110}
base=http://127.0.0.1:$PORT

case $store in
    sqlite) dir=$(mktemp -d); url=sqlite:$dir/db.sqlite; sql() { sqlite3 "$dir/db.sqlite"; } ;;
    postgres) psql "$PG/postgres" -qXc "DROP DATABASE IF EXISTS starve" -c "CREATE DATABASE starve"
              url=$PG/starve; sql() { psql "$url" -qX -v ON_ERROR_STOP=1; } ;;
    *) echo "store: sqlite or postgres" >&2; exit 2 ;;
esac
DATABASE_URL=$url "$EVENT_MANAGER" migrate >/dev/null
if [ "$mode" = history ]; then
    [ "$store" = postgres ] || { echo "history: postgres only (seed-events)" >&2; exit 2; }
    "$SEED_EVENTS" --database-url "$url" --events "$EVENTS" --per-event 20 2>/dev/null
fi
DATABASE_URL=$url BIND=127.0.0.1:$PORT JWT_SECRET=starve-bench-secret-of-at-least-32-bytes \
    RUST_LOG=error "$EVENT_MANAGER" serve &
server=$!
trap 'kill $server 2>/dev/null; [ "$store" = sqlite ] && rm -rf "$dir"' EXIT
until curl -sf "$base/readyz" >/dev/null; do sleep 0.5; done

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
user=$(curl -sf "$base/api/auth/register" -H 'Content-Type: application/json' \
    -d '{"username": "victor", "email": "victor@example.com", "password": "a long enough password"}')
access=$(curl -sf "$base/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"username": "victor", "password": "a long enough password"}' | json '["access"]')
victim=$(curl -sf "$base/api/events" -H "Authorization: Bearer $access" -H 'Content-Type: application/json' \
    -d '{"title": "The victim", "start_time": "2100-01-01T10:00:00Z", "capacity": 10}' | json '["id"]')

if [ "$mode" = search ]; then
    case $store in
        sqlite) id="printf('00000000-0000-4000-8000-%012d', i)" ;;
        postgres) id="'00000000-0000-4000-8000-' || lpad(i::text, 12, '0')" ;;
    esac
    creator=$(echo "$user" | json '["id"]')
    sql <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $EVENTS)
INSERT INTO event_view (id, title, title_key, description, start_time, capacity, status,
    waitlist_enabled, creator_id, creator_username, members_count, waitlist_count,
    created_at, updated_at, version)
SELECT $id, 'Seed ' || i, 'seed ' || i, '', 4102444800000000 + i, 10, 'open', 0,
    '$creator', 'victor', 0, 0, 0, 0, 1 FROM n;
SQL
else
    # The service projects the seeded history first; the victim's event is the last fact.
    until curl -sf "$base/api/events/$victim" >/dev/null; do sleep 1; done
fi
what=$([ "$mode" = search ] && echo "listed events" || echo "stored facts")
echo "## $mode on $store: $EVENTS $what, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/edge/starve.py "$base" "$victim" "$mode" "$CLIENTS" "$SECONDS_"
