#!/usr/bin/env python3
"""Resident memory of a running event-manager under two hostile loads (issue 16, items 5, 6).

    rss.py passwords URL PID   # 128 concurrent registrations, then 128 concurrent log-ins
    rss.py ws URL PID          # 10 unauthenticated WebSockets, each sending a 60 MiB message

Prints VmRSS before and after (and VmHWM, the peak), in MiB. Standard library only.
"""
import json, os, socket, struct, sys, threading, time, urllib.request, urllib.error, uuid
from urllib.parse import urlparse


def mem(pid):
    fields = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(rest.split()[0]) / 1024
    return fields


def post(url, body):
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def crowd(n, work):
    statuses = [None] * n
    threads = [threading.Thread(target=lambda i=i: statuses.__setitem__(i, work(i))) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {s: statuses.count(s) for s in set(statuses)}


def passwords(base, pid):
    run = uuid.uuid4().hex[:6]
    name = lambda i: f"rss{run}{i:03d}"
    registered = crowd(128, lambda i: post(f"{base}/api/auth/register",
        {"username": name(i), "email": f"{name(i)}@example.com", "password": "correct horse battery"}))
    logged_in = crowd(128, lambda i: post(f"{base}/api/auth/login",
        {"username": name(i), "password": "correct horse battery"}))
    print(f"registrations {registered}, log-ins {logged_in}")


def ws(base, pid):
    address = urlparse(base)
    payload_len = 60 * 1024 * 1024
    chunk = b"a" * (1024 * 1024)
    sockets, sent = [], [0] * 10

    def attack(i):
        s = socket.create_connection((address.hostname, address.port))
        sockets.append(s)
        s.sendall((f"GET /api/ws HTTP/1.1\r\nHost: {address.netloc}\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += s.recv(4096)
        assert head.startswith(b"HTTP/1.1 101"), head[:80]
        # A 60 MiB text message in four frames of 15 MiB (under tungstenite's default 16 MiB
        # frame limit), each masked with a zero key (the payload goes as is).
        frame_len = payload_len // 4
        try:
            for n in range(4):
                opcode = 0x1 if n == 0 else 0x0
                fin = 0x80 if n == 3 else 0
                s.sendall(bytes([fin | opcode, 0x80 | 127]) + struct.pack(">Q", frame_len) + b"\0\0\0\0")
                for _ in range(frame_len // len(chunk)):
                    s.sendall(chunk)
                    sent[i] += len(chunk)
        except OSError:
            pass  # the server closed the socket: the point of a cap

    threads = [threading.Thread(target=attack, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(1)
    print(f"MiB accepted per socket before the server stopped reading: {[s >> 20 for s in sent]}")
    return sockets


def main():
    kind, base, pid = sys.argv[1], sys.argv[2].rstrip("/"), int(sys.argv[3])
    before = mem(pid)
    held = {"passwords": passwords, "ws": ws}[kind](base, pid)
    time.sleep(1)
    after = mem(pid)
    print(f"{kind}: VmRSS {before['VmRSS']:.0f} MiB before, {after['VmRSS']:.0f} MiB after "
          f"(peak VmHWM {after['VmHWM']:.0f} MiB)")
    del held


if __name__ == "__main__":
    main()
