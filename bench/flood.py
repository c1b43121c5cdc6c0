#!/usr/bin/env python3
"""Login flood: CONNECTIONS concurrent keep-alive connections posting logins for DURATION
seconds, half with the right password for accounts of their own (registered first), half with
wrong passwords for random other addresses. Prints one JSON line: accepted logins/s (answered
after a password check: 200 or 401, not shed with 503/429), their p99, the successful ones,
and the share of each status. Standard library only.

A client that is refused (429/503) waits REFUSED_PAUSE seconds before its next attempt, so the
measurement is of the server, not of how fast Python can read refusals on the same 2 cores.
"""

import asyncio
import json
import os
import random
import sys
import time

HOST = os.environ.get("BENCH_HOST", "127.0.0.1")
PORT = int(os.environ.get("BENCH_PORT", "8089"))
DURATION = float(os.environ.get("DURATION", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "200"))
REFUSED_PAUSE = float(os.environ.get("REFUSED_PAUSE", "0.5"))
PASSWORD = os.environ["BENCH_PASSWORD"]


def account(index: int) -> str:
    return f"flood-user-{index}@example.com"


def request(body: str, path: str = "/auth/login") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body}"
    ).encode()


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def client(index: int, deadline: float, results: list) -> None:
    good = index % 2 == 0
    reader, writer = await asyncio.open_connection(HOST, PORT)
    try:
        while time.monotonic() < deadline:
            if good:
                body = json.dumps({"email": account(index), "password": PASSWORD})
            else:
                who = f"flood-{random.randrange(10**9)}@example.com"
                body = json.dumps({"email": who, "password": "wrong-password-123"})
            started = time.monotonic()
            writer.write(request(body))
            await writer.drain()
            status = await read_response(reader)
            results.append((good, status, time.monotonic() - started))
            if status in (429, 503):
                await asyncio.sleep(REFUSED_PAUSE)
    finally:
        writer.close()


async def register(indexes: list) -> None:
    reader, writer = await asyncio.open_connection(HOST, PORT)
    for index in indexes:
        body = json.dumps({"email": account(index), "password": PASSWORD})
        writer.write(request(body, "/auth/register"))
        await writer.drain()
        await read_response(reader)
    writer.close()


async def main() -> None:
    good = list(range(0, CONNECTIONS, 2))
    await asyncio.gather(*(register(good[i::4]) for i in range(4)))
    results: list = []
    deadline = time.monotonic() + DURATION
    await asyncio.gather(*(client(i, deadline, results) for i in range(CONNECTIONS)))
    accepted = sorted(t for _, status, t in results if status in (200, 401))
    succeeded = sum(1 for good, status, _ in results if good and status == 200)
    total = len(results) or 1
    statuses: dict = {}
    for _, status, _ in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    p99 = accepted[int(len(accepted) * 0.99) - 1] if accepted else None
    print(
        json.dumps(
            {
                "requests": len(results),
                "accepted_per_s": round(len(accepted) / DURATION, 2),
                "accepted_p99_s": round(p99, 3) if p99 is not None else None,
                "succeeded_per_s": round(succeeded / DURATION, 2),
                "share": {k: round(v / total, 3) for k, v in sorted(statuses.items())},
            }
        )
    )


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except (ConnectionError, asyncio.IncompleteReadError) as err:
        print(f"flood: connection failed: {err}", file=sys.stderr)
        sys.exit(1)
