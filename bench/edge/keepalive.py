#!/usr/bin/env python3
"""Keep-alive after an early refusal (issue 16, item 3).

    keepalive.py URL [ROUNDS]

Each round, on one keep-alive connection: a POST /api/events with a bad token and a 32 KiB
JSON body (refused 401 before the body is read), then GET /healthz. Counts the follow-ups
that failed because the server dropped the connection without `Connection: close`.
"""
import http.client, sys
from urllib.parse import urlparse

address = urlparse(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 600
body = b'{"title": "' + b"x" * (32 * 1024) + b'"}'
dropped = closed_said = 0
connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
for _ in range(rounds):
    connection.request("POST", "/api/events", body, {"Authorization": "Bearer nope", "Content-Type": "application/json"})
    refused = connection.getresponse()
    refused.read()
    if refused.getheader("connection", "").lower() == "close":
        closed_said += 1
        connection.close()
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        continue
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    except (http.client.HTTPException, OSError):
        dropped += 1
        connection.close()
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
print(f"{rounds} rounds: {dropped} follow-ups failed on a silently dropped connection, "
      f"{closed_said} refusals said Connection: close")
