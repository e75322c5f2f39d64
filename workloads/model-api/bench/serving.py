"""Serving benchmark: this project's model API against `mlflow models serve`, same model, same load, same run.

    npm run bench:serving [-- --duration 15 --concurrency 8 --rounds 2]

Registers scikit-learn's iris classifier in a local MLflow server (SQLite, local artifacts), then serves
`models:/iris-classifier@champion` twice on loopback: with `model-api` (this project) and with
`mlflow models serve --env-manager local` (mlflow 3.17.2: uvicorn + FastAPI, pandas parsing, a thread per
request), both one worker process. Each server gets the same closed-loop load - a fixed number of
keep-alive HTTP/1.1 connections, each sending one single-row prediction after the other for a fixed
time - alternately for `--rounds` rounds, so both see the same machine state. The load generator is raw
asyncio streams on uvloop (no HTTP client library overhead on the shared CPUs). Prints requests,
errors, throughput and p50/p99 latency for each, and the ratios. Bounded: rounds x duration x 2 plus
start-up; a hard request cap per phase.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import uvloop
from mlflow_server.local import LocalMlflowServer, free_port, register_example_model, wait_for_http
from platform_contract import ENV, PATHS

ROW = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
MAX_REQUESTS_PER_PHASE = 2_000_000


@dataclass(frozen=True)
class Target:
    name: str
    port: int
    path: str
    body: bytes


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def request_bytes(target: Target) -> bytes:
    head = (
        f"POST {target.path} HTTP/1.1\r\nHost: 127.0.0.1:{target.port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(target.body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + target.body


async def connection_loop(target: Target, deadline: float, result: Result, budget: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
    payload = request_bytes(target)
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            start = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            result.latencies.append(time.perf_counter() - start)
            result.requests += 1
            if status != 200:
                result.errors += 1
    finally:
        writer.close()


async def drive(target: Target, concurrency: int, seconds: float) -> Result:
    result = Result(requests=0, errors=0, seconds=seconds, latencies=[])
    budget = [MAX_REQUESTS_PER_PHASE]
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(connection_loop(target, deadline, result, budget) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)


def check_prediction(target: Target) -> None:
    """Both servers must answer the same prediction before their numbers mean anything."""
    import urllib.request

    request = urllib.request.Request(
        f"http://127.0.0.1:{target.port}{target.path}", target.body, {"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    if body.get("predictions") != [0]:
        raise SystemExit(f"{target.name}: unexpected prediction {body}")


@dataclass(frozen=True)
class Figures:
    requests: int
    errors: int
    throughput: float
    p50_ms: float
    p99_ms: float
    round_throughputs: list[float]


def report(name: str, results: list[Result]) -> Figures:
    merged = Result(
        requests=sum(r.requests for r in results),
        errors=sum(r.errors for r in results),
        seconds=sum(r.seconds for r in results),
        latencies=[x for r in results for x in r.latencies],
    )
    figures = Figures(
        requests=merged.requests,
        errors=merged.errors,
        throughput=merged.throughput,
        p50_ms=merged.percentile(0.50) * 1000,
        p99_ms=merged.percentile(0.99) * 1000,
        round_throughputs=[round(r.throughput, 1) for r in results],
    )
    print(
        f"{name:<22} {figures.requests:>9} {figures.errors:>7} {figures.throughput:>10.1f} "
        f"{figures.p50_ms:>8.2f} {figures.p99_ms:>8.2f}   rounds: {figures.round_throughputs}"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per server per round")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load before each phase")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections driving each server")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds (model-api, mlflow, ...)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    for name in ("duration", "warmup"):
        if not 0 < getattr(args, name) <= 120:
            parser.error(f"--{name} must be in (0, 120] seconds")
    if not 1 <= args.concurrency <= 256 or not 1 <= args.rounds <= 5:
        parser.error("--concurrency must be 1-256 and --rounds 1-5")

    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-serving-") as tmp:
        work = Path(tmp)
        print("starting MLflow (SQLite, local artifacts) and registering iris-classifier ...", flush=True)
        with LocalMlflowServer(work / "mlflow") as mlflow_server:
            model_uri, version = register_example_model(mlflow_server.url)
            # `mlflow models serve` runs `uvicorn` through bash: the environment's bin must be on PATH.
            path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
            env = {
                **os.environ,
                "PATH": path,
                "MLFLOW_TRACKING_URI": mlflow_server.url,
                "HOME": str(work),
                "TMPDIR": str(work),
            }
            ours = Target("model-api (this)", free_port(), PATHS["predict"], json.dumps({"instances": [ROW]}).encode())
            theirs = Target(
                "mlflow models serve", free_port(), "/invocations", json.dumps({"dataframe_records": [ROW]}).encode()
            )
            api_env = {**env, ENV["modelUri"]: model_uri, ENV["mlflowTrackingUri"]: mlflow_server.url,
                       ENV["port"]: str(ours.port)}  # fmt: skip
            serve = [str(bin_dir / "mlflow"), "models", "serve", "-m", model_uri, "--env-manager", "local",
                     "-h", "127.0.0.1", "-p", str(theirs.port), "-w", "1"]  # fmt: skip
            with (
                process([str(bin_dir / "model-api")], api_env, work / "model-api.log") as api,
                process(serve, env, work / "mlflow-serve.log") as scorer,
            ):
                checks = [(f"http://127.0.0.1:{ours.port}{PATHS['ready']}", api, "model-api.log"),
                          (f"http://127.0.0.1:{theirs.port}/ping", scorer, "mlflow-serve.log")]  # fmt: skip
                for url, proc, log in checks:
                    try:
                        wait_for_http(url, 300, proc)
                    except (RuntimeError, TimeoutError) as error:
                        raise SystemExit(f"{error}\n{(work / log).read_text(errors='replace')[-3000:]}") from error
                for target in (ours, theirs):
                    check_prediction(target)
                print(f"serving {model_uri} (version {version}); {args.concurrency} connections, "
                      f"{args.duration:.0f}s x {args.rounds} rounds each, single-row requests", flush=True)  # fmt: skip
                runs: dict[str, list[Result]] = {ours.name: [], theirs.name: []}
                for _ in range(args.rounds):
                    for target in (ours, theirs):
                        uvloop.run(drive(target, args.concurrency, args.warmup))
                        runs[target.name].append(uvloop.run(drive(target, args.concurrency, args.duration)))
    print(f"\n{'server':<22} {'requests':>9} {'errors':>7} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    rows = {name: report(name, results) for name, results in runs.items()}
    a, b = rows[ours.name], rows[theirs.name]
    throughput_ratio = a.throughput / b.throughput
    p99_ratio = a.p99_ms / b.p99_ms
    print(f"\nthroughput ratio model-api / mlflow: {throughput_ratio:.2f}x")
    print(f"p50 ratio: {a.p50_ms / b.p50_ms:.2f}   p99 ratio model-api / mlflow: {p99_ratio:.2f} (lower is better)")
    goal = throughput_ratio >= 1 and p99_ratio < 1
    print("goal (at least MLflow's throughput with a lower p99):", "met" if goal else "NOT met")
    if args.json:
        figures = {name: asdict(f) for name, f in rows.items()}
        document = {"servers": figures, "throughput_ratio": throughput_ratio, "p99_ratio": p99_ratio, "goal_met": goal}
        args.json.write_text(json.dumps(document, indent=2))
    # A server that answered anything but 200 under load makes the comparison meaningless.
    return 1 if a.errors or b.errors else 0


if __name__ == "__main__":
    sys.exit(main())
