"""An open-loop HTTP/1.1 load generator for the bidding benchmark (run as its own process).

Each simulated bidder holds one keep-alive connection and its own bearer token, and sends bids at
random (Poisson) times, so that together the bidders offer a fixed rate (e.g. 300 bids/s from 50
bidders). A request's latency is measured from the moment it was *due*, not from when it could
be sent: if the server falls behind, the wait counts (no "coordinated omission", as in wrk2).
Bidders learn the next minimum from the answers, as a real client would, and bid a random amount
at or above it. Answers are awaited until a cut-off, --grace seconds (10) after the last request was
due; every request due before the end and not answered by the cut-off (in flight, or never sent
because its bidder was still waiting) is counted as "unanswered", and as an error.

    python loadgen.py --port 8000 --tokens tokens.json --lots 1 --rate 300 --seconds 12 [--grace 10]
    python loadgen.py --port 8000 --path /healthz --clients 50 --rate 300 --seconds 5

Prints one JSON object: offered and achieved rates, latency percentiles (from due time, and
service time from send), status counts, refusal codes, transport errors and unanswered requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time

NEXT_MIN = re.compile(rb'"next_minimum_bid":\s*"([0-9.]+)"')
ERROR = re.compile(rb'"error":\s*"([a-z_]+)"')
DETAIL_AMOUNT = re.compile(rb"([0-9]+\.[0-9]{2})")


class Results:
    def __init__(self):
        self.latency: list[float] = []
        self.service: list[float] = []
        self.statuses: dict[int, int] = {}
        self.codes: dict[str, int] = {}
        self.errors: list[str] = []
        self.late_sends = 0
        self.unanswered = 0


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _sep, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return status, body


async def _client(index: int, args, token: str | None, next_min: dict, start: float, results: Results) -> None:
    loop = asyncio.get_running_loop()
    rng = random.Random(index)
    per_client_rate = args.rate / args.clients
    due = start + rng.expovariate(per_client_rate)
    # Connect when the first request is due, as a real client does: a server may hold a thread
    # for a new connection until its first request arrives.
    await asyncio.sleep(max(0.0, due - loop.time()))
    reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
    deadline = start + args.seconds
    cutoff = deadline + args.grace
    host = f"127.0.0.1:{args.port}".encode()
    while due < deadline:
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.001:
            results.late_sends += 1
        if loop.time() >= cutoff:
            break
        if args.path:
            request = b"GET " + args.path.encode() + b" HTTP/1.1\r\nHost: " + host + b"\r\n\r\n"
            lot = None
        else:
            lot = rng.choice(args.lots)
            amount = next_min.get(lot, 100.0) + rng.randint(0, 30) * 10
            body = b'{"max_amount": "%.2f"}' % amount
            request = (b"POST /api/v1/lots/%d/bids/ HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                       b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                       % (lot, host, token.encode(), len(body), body))
        sent = loop.time()
        try:
            writer.write(request)
            status, payload = await asyncio.wait_for(_read_response(reader), timeout=cutoff - loop.time())
        except TimeoutError:
            break  # still unanswered at the cut-off: counted below
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            results.errors.append(repr(exc))
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", args.port)
            due += rng.expovariate(per_client_rate)
            continue
        done = loop.time()
        results.latency.append(done - due)
        results.service.append(done - sent)
        results.statuses[status] = results.statuses.get(status, 0) + 1
        if lot is not None:
            if status == 201:
                found = NEXT_MIN.search(payload)
                if found:
                    next_min[lot] = float(found.group(1))
            else:
                code = ERROR.search(payload)
                code = code.group(1).decode() if code else str(status)
                results.codes[code] = results.codes.get(code, 0) + 1
                found = NEXT_MIN.search(payload) or (DETAIL_AMOUNT.search(payload) if code == "below_minimum"
                                                     else None)
                if found:
                    next_min[lot] = max(next_min.get(lot, 0.0), float(found.group(1)))
                elif code == "not_above_own_maximum":
                    next_min[lot] = next_min.get(lot, 100.0) + 500
        due += rng.expovariate(per_client_rate)
    # Due before the end, unanswered at the cut-off: the request in flight, and those after it.
    while due < deadline:
        results.unanswered += 1
        due += rng.expovariate(per_client_rate)
    writer.close()


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def _main(args) -> dict:
    tokens = json.loads(open(args.tokens).read()) if args.tokens else [None] * args.clients
    args.clients = min(args.clients, len(tokens))
    results = Results()
    next_min: dict = {}
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    wall = time.monotonic()
    await asyncio.gather(*(_client(i, args, tokens[i], next_min, start, results) for i in range(args.clients)))
    elapsed = max(args.seconds, time.monotonic() - wall - 0.2)
    n = len(results.latency)
    return {
        "offered_per_second": args.rate, "clients": args.clients, "seconds": round(elapsed, 2),
        "requests": n, "per_second": n / elapsed,
        "accepted_per_second": results.statuses.get(201, 0) / elapsed,
        "p50_ms": _pct(results.latency, 0.50), "p90_ms": _pct(results.latency, 0.90),
        "p99_ms": _pct(results.latency, 0.99), "max_ms": _pct(results.latency, 1.0),
        "service_p50_ms": _pct(results.service, 0.50), "service_p99_ms": _pct(results.service, 0.99),
        "statuses": dict(sorted(results.statuses.items())), "codes": results.codes,
        "transport_errors": len(results.errors), "unanswered": results.unanswered, "late_sends": results.late_sends,
        "errors": len(results.errors) + results.unanswered
        + sum(v for k, v in results.statuses.items() if k >= 500 or k in (401, 429)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", help="JSON file with a list of bearer tokens, one per bidder")
    parser.add_argument("--lots", type=lambda s: [int(x) for x in s.split(",")], default=[])
    parser.add_argument("--path", help="GET this path instead of bidding")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, required=True, help="requests per second offered, in all")
    parser.add_argument("--seconds", type=float, default=12)
    parser.add_argument("--grace", type=float, default=10, help="seconds to await answers after the end")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(_main(args))))


if __name__ == "__main__":
    main()
