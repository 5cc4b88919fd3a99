"""Load driver, run on purpose (not part of the test suite).

Starts `agora serve` on the embedded PostgreSQL (or uses --url), creates one account per face, then for each face
measures GET profile throughput and latency, first alone, then while 20 logins run at once (argon2id with the
production cost), to show that password hashing does not stall other requests.

    uv run python -m bench.identity_load --duration 10 --concurrency 16 --logins 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

PASSWORD = "Bench-passw0rd!"


@dataclass
class Face:
    name: str
    profile: str
    login: str
    login_body: dict[str, str]
    token_field: str


FACES = [
    Face("spotvibe", "/api/users/profile/", "/api/users/login/",
         {"email": "bench@spotvibe.test", "password": PASSWORD}, "access"),
    Face("mairie", "/mairie/api/v1/auth/profile/", "/mairie/api/v1/auth/login/",
         {"email": "bench@mairie.test", "password": PASSWORD}, "access_token"),
    Face("eebc", "/eebc/api/v1/profile/", "/eebc/api/v1/auth/login/",
         {"username": "bench.eebc", "password": PASSWORD}, "access"),
]


@dataclass
class Measure:
    face: str
    phase: str
    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    logins: int = 0
    login_p50_ms: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


async def hammer(client: httpx.AsyncClient, path: str, token: str, stop: float, latencies: list[float],
                 errors: list[int]) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while time.perf_counter() < stop:
        started = time.perf_counter()
        response = await client.get(path, headers=headers)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            errors.append(response.status_code)


async def login_loop(client: httpx.AsyncClient, face: Face, stop: float, latencies: list[float]) -> None:
    while time.perf_counter() < stop:
        started = time.perf_counter()
        response = await client.post(face.login, json=face.login_body)
        latencies.append(time.perf_counter() - started)
        if response.status_code not in (200, 429):
            raise RuntimeError(f"login failed: {response.status_code} {response.text}")


async def token_for(client: httpx.AsyncClient, face: Face) -> str:
    response = await client.post(face.login, json=face.login_body)
    response.raise_for_status()
    body = response.json()
    data = body.get("data", body)
    return str(data[face.token_field])


async def measure(client: httpx.AsyncClient, face: Face, token: str, *, phase: str, duration: float,
                  concurrency: int, logins: int) -> Measure:
    latencies: list[float] = []
    errors: list[int] = []
    login_latencies: list[float] = []
    started = time.perf_counter()
    stop = started + duration
    tasks = [hammer(client, face.profile, token, stop, latencies, errors) for _ in range(concurrency)]
    tasks += [login_loop(client, face, stop, login_latencies) for _ in range(logins)]
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return Measure(face.name, phase, len(latencies), len(errors), round(elapsed, 2), round(len(latencies) / elapsed, 1),
                   round(percentile(latencies, 0.5), 2), round(percentile(latencies, 0.99), 2), len(login_latencies),
                   round(statistics.median(login_latencies) * 1000, 1) if login_latencies else 0.0)


async def prepare(client: httpx.AsyncClient) -> None:
    await client.post("/api/users/register/", json={"username": "bench", "email": "bench@spotvibe.test",
                                                    "password": PASSWORD})
    await client.post("/mairie/api/v1/auth/register/", json={
        "email": "bench@mairie.test", "password": PASSWORD, "password_confirm": PASSWORD, "first_name": "Bench",
        "last_name": "Maire", "role": "mayor", "municipality_code": "75001"})


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run([sys.executable, "-m", "entrypoints.cli", *args], env=env, input=stdin, text=True, check=False,
                   capture_output=True, timeout=120)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per phase and face")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent profile readers")
    parser.add_argument("--logins", type=int, default=20, help="concurrent login loops in the second phase")
    parser.add_argument("--url", help="an already running server (it must hold the bench accounts)")
    args = parser.parse_args()

    server: subprocess.Popen[bytes] | None = None
    url = args.url
    if url is None:
        data_dir = Path(tempfile.mkdtemp(prefix="agora-bench-", dir="/tmp"))
        port = free_port()
        env = {**os.environ, "AGORA_DATA_DIR": str(data_dir), "AGORA_LOGIN_LIMIT_PER_MINUTE": "1000000",
               "AGORA_LOG_LEVEL": "WARNING"}
        run_cli(env, "users", "create", "--realm", "eebc", "--username", "bench.eebc", "--email", "bench@eebc.test",
                "--role", "membre", "--site", "CAB", "--password-stdin", stdin=PASSWORD + "\n")
        server = subprocess.Popen([sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port),
                                   "--no-worker"], env=env)
        url = f"http://127.0.0.1:{port}"
    limits = httpx.Limits(max_connections=args.concurrency + args.logins + 4)
    try:
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
            for _ in range(120):
                with suppress(httpx.TransportError):
                    if (await client.get("/health")).status_code == 200:
                        break
                await asyncio.sleep(0.5)
            await prepare(client)
            results: list[Measure] = []
            for face in FACES:
                token = await token_for(client, face)
                for phase, logins in (("profile alone", 0), (f"profile + {args.logins} logins", args.logins)):
                    results.append(await measure(client, face, token, phase=phase, duration=args.duration,
                                                 concurrency=args.concurrency, logins=logins))
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            with suppress(subprocess.TimeoutExpired):
                server.wait(timeout=30)
    print(f"{'face':9} {'phase':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'logins':>7} "
          f"{'login p50':>9}")
    for m in results:
        print(f"{m.face:9} {m.phase:24} {m.rps:8.1f} {m.p50_ms:8.2f} {m.p99_ms:8.2f} {m.errors:6d} {m.logins:7d} "
              f"{m.login_p50_ms:9.1f}")
    out = Path("bench/results")
    out.mkdir(parents=True, exist_ok=True)
    (out / "identity_load.json").write_text(json.dumps([asdict(m) for m in results], indent=2))


if __name__ == "__main__":
    asyncio.run(main())
