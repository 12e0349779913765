# Sourced by the CI scripts that talk to a live service: `start_service` runs the debug
# binary (built if missing) on a fresh SQLite file and a free port, sets $base and $dir
# (a scratch directory, removed on exit with the service) and waits until it is healthy.
start_service() {
    local binary=target/debug/event-manager
    [ -x "$binary" ] || cargo build --quiet --bin event-manager
    dir=$(mktemp -d)
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    EVENTS_PER_DAY=0 BIND="127.0.0.1:$port" DATABASE_URL="sqlite:$dir/db.sqlite" RUST_LOG=warn \
        "$binary" serve >"$dir/server.log" 2>&1 &
    service_pid=$!
    trap 'kill $service_pid 2>/dev/null; rm -rf "$dir"' EXIT
    for _ in $(seq 1 50); do curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0; sleep 0.2; done
    echo "the service did not start:" >&2
    cat "$dir/server.log" >&2
    return 1
}
