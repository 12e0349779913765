#!/usr/bin/env python3
"""One reader against a crowd (issue 16, items 8 and 9).

    starve.py URL EVENT_ID search  [CLIENTS] [SECONDS]
    starve.py URL EVENT_ID history [CLIENTS] [SECONDS]

`search`: CLIENTS anonymous clients (40) loop GET /api/events?ordering=-title&page=500
&title=seed (the deepest page allowed, a substring every seeded title holds).
`history`: CLIENTS users (registered here) each open the SSE feed with after=0-0 and read
the whole history as fast as the server sends it, reconnecting at the end.

Meanwhile one victim sends GET /api/events/EVENT_ID one after another for SECONDS (30) and
prints its latency (p50, p99, max) and statuses, and what the crowd got.
"""
import http.client, json, sys, threading, time, uuid
from collections import Counter
from urllib.parse import urlparse

address = urlparse(sys.argv[1])
event_id, mode = sys.argv[2], sys.argv[3]
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 40
seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 30
stop = time.monotonic() + seconds
crowd = Counter()
lock = threading.Lock()


def connect():
    return http.client.HTTPConnection(address.hostname, address.port, timeout=60)


def call(connection, method, path, body=None, headers=None):
    headers = dict(headers or {})
    if body is not None:
        body = json.dumps(body)
        headers["Content-Type"] = "application/json"
    connection.request(method, path, body, headers)
    answer = connection.getresponse()
    return answer.status, answer.read()


def searcher():
    connection = connect()
    while time.monotonic() < stop:
        try:
            status, _ = call(connection, "GET", "/api/events?ordering=-title&page=500&page_size=20&title=seed")
        except (http.client.HTTPException, OSError) as error:
            status = type(error).__name__
            connection = connect()
        with lock:
            crowd[status] += 1


def token():
    connection = connect()
    name = "crowd" + uuid.uuid4().hex[:12]
    credentials = {"username": name, "password": "a long enough password"}
    call(connection, "POST", "/api/auth/register", dict(credentials, email=f"{name}@example.com"))
    _, body = call(connection, "POST", "/api/auth/login", credentials)
    return json.loads(body)["access"]


def historian(access):
    while time.monotonic() < stop:
        connection = connect()
        connection.request("GET", "/api/feed?after=0-0", headers={
            "Authorization": f"Bearer {access}", "Accept": "text/event-stream"})
        answer = connection.getresponse()
        with lock:
            crowd[answer.status] += 1
        while time.monotonic() < stop and answer.read1(65536):
            pass
        connection.close()


if mode == "search":
    crowd_threads = [threading.Thread(target=searcher) for _ in range(clients)]
elif mode == "history":
    tokens = [token() for _ in range(clients)]
    crowd_threads = [threading.Thread(target=historian, args=(t,)) for t in tokens]
else:
    sys.exit(f"unknown mode {mode!r}: search or history")
for thread in crowd_threads:
    thread.daemon = True
    thread.start()

latencies, statuses = [], Counter()
connection = connect()
while time.monotonic() < stop:
    started = time.perf_counter()
    try:
        status, _ = call(connection, "GET", f"/api/events/{event_id}")
    except (http.client.HTTPException, OSError) as error:
        status = type(error).__name__
        connection = connect()
    latencies.append(time.perf_counter() - started)
    statuses[status] += 1

latencies.sort()
at = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
print(f"{mode}, {clients} clients, {seconds:.0f} s: victim {len(latencies)} reads, "
      f"p50 {at(0.5):.1f} ms, p99 {at(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms, "
      f"statuses {dict(statuses)}; crowd statuses {dict(crowd)}")
