#!/usr/bin/env python3
"""Slow clients (issue 16, item 7).

    slowloris.py URL [CONNECTIONS] [SECONDS]

Opens CONNECTIONS connections that trickle a request head at one byte a second, and every
5 s for SECONDS prints how many the server still holds open and how long a fresh
GET /healthz takes (or that it failed).
"""
import socket, sys, time, urllib.request
from urllib.parse import urlparse

base = sys.argv[1].rstrip("/")
address = urlparse(base)
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 40
slow = []
for _ in range(count):
    s = socket.create_connection((address.hostname, address.port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    slow.append(s)
started = time.monotonic()
next_report = 0
while time.monotonic() - started < seconds:
    alive = []
    for s in slow:
        try:
            s.sendall(b"X")
            alive.append(s)
        except OSError:
            s.close()
    slow = alive
    elapsed = time.monotonic() - started
    if elapsed >= next_report:
        t = time.monotonic()
        try:
            urllib.request.urlopen(base + "/healthz", timeout=10).read()
            probe = f"healthz {1000 * (time.monotonic() - t):.0f} ms"
        except OSError as error:
            probe = f"healthz failed ({error})"
        print(f"{elapsed:4.0f} s: {len(slow)} of {count} slow connections open; {probe}", flush=True)
        next_report += 5
    time.sleep(1)
