"""Benchmark: the production server under 16 concurrent clients, on SQLite and on PostgreSQL.

For each database the benchmark builds a throwaway installation (a temporary data directory;
for PostgreSQL a database ``citycarbon_bench`` created here and dropped at the end), loads the
demo (``citycarbon manage demo``), starts ``citycarbon serve`` (gunicorn, 2 workers, on
127.0.0.1 only) and drives it with 16 closed-loop clients — threads, each with one keep-alive
HTTP/1.1 connection (``http.client``) — for a fixed time per target. Goals (issue 5):

- the dashboard and the jurisdiction pages, signed in as the city office: p95 ≤ 150 ms;
- the main read API endpoints, with the office's read-only access token: ≥ 500 requests/s.

Targets are discovered, not listed: pages whose URL name contains ``dashboard`` or
``jurisdiction`` (exports excepted) and the ``GET`` operations of the OpenAPI schema outside
the ``common`` tag, each reached through its app's sample when its URL takes arguments
(:mod:`citycarbon.server.common.samples`). The benchmark prints which it measured. The in-run
baseline is a static file served by WhiteNoise from the same server (the floor of any request
through the WSGI stack); ratios are given against it and against the goals.

The load generator shares the machine's cores with the server: the figures are for the whole
machine, client included. Traffic goes to 127.0.0.1 only; every phase is bounded in time.

Run alone: ``python -m benchmarks.bench_server [--quick] [--duration S] [--clients N]
[--database sqlite|postgresql ...] [--postgres-url URL]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["PAGE_P95_LIMIT_MS", "RPS_GOAL", "run"]

#: The figures the issue asks for.
PAGE_P95_LIMIT_MS = 150.0
RPS_GOAL = 500.0
CLIENTS = 16
WORKERS = 2
HOST = "127.0.0.1"
BENCH_DATABASE = "citycarbon_bench"
DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-" + secrets.token_urlsafe(12)
ROOT = Path(__file__).resolve().parent.parent
#: Tags of API operations that are not the domain's read API (me, tokens, audit trail).
NOT_MAIN_API_TAGS = frozenset({"common", "testing"})


# -- options -----------------------------------------------------------------------------------


def _options(args: Any) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_server")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds measured per target")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument("--clients", type=int, default=CLIENTS, help="concurrent clients")
    parser.add_argument(
        "--database",
        action="append",
        choices=["sqlite", "postgresql"],
        help="run on this database only (repeatable; default both)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("CITYCARBON_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a PostgreSQL server to create the throwaway database on (loopback)",
    )
    parser.add_argument(
        "--target",
        action="append",
        metavar="TEXT",
        help="measure only pages and endpoints whose name contains TEXT (repeatable)",
    )
    parser.add_argument("--discover", action="store_true", help=argparse.SUPPRESS)
    if args is None or isinstance(args, Sequence):
        opts = parser.parse_args(list(args or []))
    else:  # the Namespace of ``python -m benchmarks``
        opts = parser.parse_args([])
        opts.quick = bool(getattr(args, "quick", False))
    if opts.quick:
        opts.duration, opts.warmup = min(opts.duration, 1.0), min(opts.warmup, 0.3)
    opts.databases = opts.database or ["sqlite", "postgresql"]
    return opts


# -- the installation under test ---------------------------------------------------------------


def _citycarbon() -> list[str]:
    script = Path(sys.executable).with_name("citycarbon")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from citycarbon.cli import main; main()"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CITYCARBON_")
        and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        {
            "CITYCARBON_DEBUG": "0",
            "CITYCARBON_SECRET_KEY": secrets.token_urlsafe(48),
            "CITYCARBON_HTTPS": "0",  # plain HTTP on loopback
            "CITYCARBON_DATA_DIR": str(data_dir),
            "CITYCARBON_ALLOWED_HOSTS": f"{HOST},localhost",
            "CITYCARBON_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        }
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _postgres_admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


def _database_url(server_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(server_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


@dataclass
class Installation:
    database: str
    env: dict[str, str]
    data_dir: Path
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    notes: list[str] = field(default_factory=list)


def _run_checked(command: list[str], env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])} … failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _start(installation: Installation, *, collectstatic: bool, timeout: float = 120.0) -> None:
    installation.port = _free_port()
    command = [
        *_citycarbon(),
        "serve",
        "--bind",
        f"{HOST}:{installation.port}",
        "--workers",
        str(WORKERS),
        "--collectstatic" if collectstatic else "--no-collectstatic",
    ]
    with installation.log.open("wb") as log:
        installation.process = subprocess.Popen(
            command,
            env=installation.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one below
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if installation.process.poll() is not None:
            raise RuntimeError(f"the server exited: {installation.log.read_text()[-2000:]}")
        try:
            status, _headers, _body = _request(installation.port, "GET", "/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    tail = installation.log.read_text(errors="replace")[-1500:]
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s; its log ends:\n{tail}")


def _stop(installation: Installation) -> None:
    process = installation.process
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)  # gunicorn's arbiter and the workers it forked
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# -- HTTP --------------------------------------------------------------------------------------


def _request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def _cookies(headers: http.client.HTTPMessage) -> dict[str, str]:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def _sign_in(port: int, username: str, password: str) -> tuple[str, str]:
    """Sign in through the login form; the cookie header of the session and the CSRF token."""
    status, headers, body = _request(port, "GET", "/login/")
    cookies = _cookies(headers)
    csrf_cookie = next(value for name, value in cookies.items() if "csrf" in name)
    csrf_name = next(name for name in cookies if "csrf" in name)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or match is None:
        raise RuntimeError("the login page has no CSRF token")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)}
    ).encode()
    status, headers, _body = _request(
        port,
        "POST",
        "/login/",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{csrf_name}={csrf_cookie}",
        },
    )
    session = {**cookies, **_cookies(headers)}
    if status != 302 or not any("session" in name for name in session):
        raise RuntimeError(f"sign-in as {username} failed (status {status})")
    cookie = "; ".join(f"{name}={value}" for name, value in session.items())
    return cookie, session[csrf_name]


def _read_only_token(port: int, cookie: str, csrf: str) -> str:
    body = json.dumps({"name": "benchmark", "read_only": True}).encode()
    status, _headers, answer = _request(
        port,
        "POST",
        "/api/tokens",
        body,
        {"Content-Type": "application/json", "Cookie": cookie, "X-CSRFToken": csrf},
    )
    if status != 201:
        raise RuntimeError(f"creating an access token failed ({status}): {answer[:300]!r}")
    return str(json.loads(answer)["token"])


# -- load --------------------------------------------------------------------------------------


@dataclass
class Load:
    """One target under load: latencies [s] of the measured window, statuses, wall time."""

    label: str
    path: str
    latencies: list[float]
    statuses: dict[int, int]
    seconds: float
    cpu_ms: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1e3 if self.latencies else float("nan")

    @property
    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[94] * 1e3

    @property
    def errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 200)


def _load(
    port: int, label: str, path: str, headers: dict[str, str], clients: int, warmup: float,
    duration: float,
) -> Load:  # fmt: skip
    """``clients`` threads request ``path`` back to back on keep-alive connections: ``warmup``
    seconds unrecorded, then ``duration`` seconds recorded."""
    start_at = time.perf_counter() + 0.2
    record_from = start_at + warmup
    stop_at = record_from + duration
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        codes: dict[int, int] = {}
        while time.perf_counter() < start_at:
            time.sleep(0.001)
        try:
            while True:
                began = time.perf_counter()
                if began >= stop_at:
                    break
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                    if response.will_close:
                        connection.close()
                        connection = http.client.HTTPConnection(HOST, port, timeout=30)
                except (OSError, http.client.HTTPException):
                    status = 0
                    connection.close()
                    connection = http.client.HTTPConnection(HOST, port, timeout=30)
                ended = time.perf_counter()
                if began >= record_from and ended <= stop_at:
                    mine.append(ended - began)
                    codes[status] = codes.get(status, 0) + 1
        finally:
            connection.close()
        with lock:
            latencies.extend(mine)
            for status, count in codes.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + 60)
    return Load(label, path, latencies, statuses, duration)


# -- discovery (runs in a subprocess configured for the installation) ---------------------------


def is_main(path: str) -> bool:
    """A main read: a collection (``/api/geo/jurisdictions``) or one object of it
    (``/api/geo/jurisdictions/{code}``) — not a sub-resource, comparison or computed series,
    which are measured and shown without a goal."""
    parameters = path.count("{")
    return parameters == 0 or (parameters == 1 and path.endswith("}"))


def discover() -> dict[str, Any]:
    """The pages and API reads to measure, with their URLs on the loaded demo."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycarbon.server.config.settings")
    import django

    django.setup()
    from citycarbon.server.common import samples
    from citycarbon.server.config.api import api

    found = samples.url_samples()
    pages, skipped = [], []
    for page in samples.pages(found):
        wanted = ("dashboard" in page.name or "jurisdiction" in page.name) and (
            "export" not in page.name
        )
        if not wanted:
            continue
        if page.url is None:
            skipped.append(f"{page.name} ({page.route}: no sample)")
        else:
            pages.append({"label": page.name, "path": page.url})
    reads = []
    for operation in samples.api_operations(api.get_openapi_schema(), found):
        if set(operation.tags) & NOT_MAIN_API_TAGS:
            continue
        if operation.url is None:
            skipped.append(f"{operation.key} (no sample)")
        else:
            reads.append(
                {"label": operation.key, "path": operation.url, "main": is_main(operation.path)}
            )
    _cpu_cost(pages + reads)
    return {"pages": pages, "api": reads, "skipped": skipped}


def _cpu_cost(targets: list[dict[str, Any]], repeat: int = 10) -> None:
    """Add ``cpu_ms`` to each target: the process CPU time of one request served in-process
    (Django's test client, the office signed in), median of ``repeat`` after two warm-ups.
    CPU time, unlike wall time, hardly depends on what else the machine is running, so it
    bounds what two workers can serve: about 2000 / cpu_ms requests/s on two free cores."""
    from django.test import Client

    from citycarbon.server.common.models import User

    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(username="office"))
    for target in targets:
        times = []
        for round_ in range(repeat + 2):
            began = time.process_time()
            client.get(target["path"])
            if round_ >= 2:
                times.append(time.process_time() - began)
        target["cpu_ms"] = statistics.median(times) * 1e3


# -- one database ------------------------------------------------------------------------------


def _bench_database(database: str, opts: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"citycarbon-bench-{database}-"))
    database_url = None
    created = False
    if database == "postgresql":
        database_url = _database_url(opts.postgres_url, BENCH_DATABASE)
        _postgres_admin(opts.postgres_url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        _postgres_admin(opts.postgres_url, f"CREATE DATABASE {BENCH_DATABASE}")
        created = True
    installation = Installation(
        database, _environment(data_dir, database_url), data_dir, data_dir / "server.log"
    )
    try:
        started = time.perf_counter()
        _run_checked(
            [*_citycarbon(), "manage", "demo", "--allow-production", f"--password={PASSWORD}"],
            installation.env,
            timeout=600,
        )
        demo_s = time.perf_counter() - started
        # Collected before the server starts: WhiteNoise lists the static files when the WSGI
        # application loads, and `serve` loads it before collecting (a fresh install would
        # answer 404 for every static file until restarted).
        _run_checked(
            [*_citycarbon(), "manage", "collectstatic", "--noinput", "-v", "0"],
            installation.env,
            timeout=300,
        )
        targets = json.loads(
            _run_checked(
                [sys.executable, "-m", "benchmarks.bench_server", "--discover"],
                installation.env,
                timeout=120,
            )
        )
        _start(installation, collectstatic=False)
        cookie, csrf = _sign_in(installation.port, "office", PASSWORD)
        token = _read_only_token(installation.port, cookie, csrf)
        _status, _headers, home = _request(
            installation.port, "GET", "/", headers={"Cookie": cookie}
        )
        css = re.search(rb'href="(/static/[^"]*site[^"]*\.css)"', home)
        baseline_path = css.group(1).decode() if css else "/static/citycarbon/site.css"

        def measure(
            label: str, path: str, headers: dict[str, str], cpu_ms: float | None = None
        ) -> Load:
            load = _load(
                installation.port, label, path, headers, opts.clients, opts.warmup, opts.duration
            )
            load.cpu_ms = cpu_ms
            return load

        baseline = measure("static file (baseline)", baseline_path, {})
        if opts.target:
            for kind in ("pages", "api"):
                targets[kind] = [
                    t for t in targets[kind] if any(text in t["label"] for text in opts.target)
                ]
        pages = [
            measure(t["label"], t["path"], {"Cookie": cookie}, t.get("cpu_ms"))
            for t in targets["pages"]
        ]
        reads = [
            measure(t["label"], t["path"], {"Authorization": f"Bearer {token}"}, t.get("cpu_ms"))
            for t in targets["api"]
        ]
        main = {t["label"] for t in targets["api"] if t["main"]}
        server_errors = _server_errors(installation.log)
    finally:
        _stop(installation)
        if created:
            _postgres_admin(
                opts.postgres_url, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"
            )
        shutil.rmtree(data_dir, ignore_errors=True)
    return {
        "database": database,
        "demo_load_s": demo_s,
        "baseline": baseline,
        "pages": pages,
        "api": reads,
        "main_api": main,
        "skipped": targets["skipped"],
        "server_errors": server_errors,
    }


def _server_errors(log: Path) -> list[str]:
    """The distinct errors the server logged (a traceback's last line and the request)."""
    found: dict[str, str] = {}
    lines = log.read_text(errors="replace").splitlines()
    for number, line in enumerate(lines):
        if not line.startswith("Traceback"):
            continue
        request = lines[number - 1] if number else ""
        end = number + 1
        while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end]):
            end += 1
        last = lines[end] if end < len(lines) else ""
        where = [row.strip() for row in lines[number:end] if row.strip().startswith("File ")]
        found.setdefault(
            last, f"{request.strip()}\n      {last}\n      at {where[-1] if where else '?'}"
        )
    return list(found.values())


# -- report ------------------------------------------------------------------------------------


def _row(load: Load, baseline: Load) -> str:
    ratio = load.rps / baseline.rps if baseline.rps else float("nan")
    errors = f"  {load.errors} not 200 {dict(load.statuses)}" if load.errors else ""
    cpu = f"{load.cpu_ms:7.1f}" if load.cpu_ms is not None else "      –"
    return (
        f"    {load.label:<48} {load.median_ms:7.1f} {load.p95_ms:7.1f} {load.rps:7.0f} "
        f"{ratio:6.2f} {cpu}{errors}"
    )


def _figures(load: Load) -> dict[str, Any]:
    return {
        "cpu_ms_in_process": load.cpu_ms,
        "path": load.path,
        "requests": load.requests,
        "errors": load.errors,
        "median_ms": load.median_ms,
        "p95_ms": load.p95_ms,
        "rps": load.rps,
    }


def run(args: Any = None) -> dict[str, Any]:
    """Run the benchmark; print the figures and return them with the goals."""
    opts = _options(args)
    if opts.discover:
        print(json.dumps(discover()))
        return {}
    print(
        f"== server: {opts.clients} clients, gunicorn {WORKERS} workers on {HOST}, "
        f"{opts.duration:g} s per target ({'quick' if opts.quick else 'full'}) =="
    )
    goals: list[dict[str, Any]] = []
    results: dict[str, Any] = {"name": "server", "quick": opts.quick, "clients": opts.clients}
    load_before = os.getloadavg()[0]
    for database in opts.databases:
        try:
            measured = _bench_database(database, opts)
        except Exception as error:
            print(f"  {database}: not run — {error}")
            goals.append(
                {
                    "goal": f"{database}: pages p95 ≤ {PAGE_P95_LIMIT_MS:.0f} ms, "
                    f"API ≥ {RPS_GOAL:.0f} requests/s",
                    "measured": f"not run: {str(error).splitlines()[0][:200]}",
                    "pass": False,
                }
            )
            continue
        baseline: Load = measured["baseline"]
        print(f"  {database} (demo loaded in {measured['demo_load_s']:.1f} s)")
        print(
            f"    {'target':<48} {'median':>7} {'p95':>7} {'req/s':>7} {'×base':>6} "
            f"{'cpu':>7}   [ms; cpu: one request in-process]"
        )
        print(_row(baseline, baseline))
        for load in measured["pages"] + measured["api"]:
            print(
                _row(load, baseline)
                + (
                    ""
                    if load.label in measured["main_api"] or load in measured["pages"]
                    else "  (no goal)"
                )
            )
        names = [load.label for load in measured["pages"]]
        print(f"    pages measured: {', '.join(names) or 'none'}")
        if not any("dashboard" in name for name in names):
            print("    dashboard: not found (no page named *dashboard* in the URL conf)")
            goals.append(
                {
                    "goal": f"{database}: dashboard p95 ≤ {PAGE_P95_LIMIT_MS:.0f} ms",
                    "measured": "no dashboard page found",
                    "pass": False,
                }
            )
        for skipped in measured["skipped"]:
            print(f"    not measured: {skipped}")
        for error in measured["server_errors"]:
            print(f"    SERVER ERROR: {error}")
        for load in measured["pages"]:
            ok = load.errors == 0 and load.p95_ms <= PAGE_P95_LIMIT_MS
            goals.append(
                {
                    "goal": f"{database}: page {load.label} p95 ≤ {PAGE_P95_LIMIT_MS:.0f} ms",
                    "measured": f"p95 {load.p95_ms:.1f} ms (median {load.median_ms:.1f} ms, "
                    f"cpu {load.cpu_ms or float('nan'):.1f} ms/request, "
                    f"{load.p95_ms / PAGE_P95_LIMIT_MS:.2f} of the limit"
                    + (f", {load.errors} errors" if load.errors else "")
                    + ")",
                    "pass": ok,
                }
            )
        for load in measured["api"]:
            if load.label not in measured["main_api"]:
                continue  # shown above, no goal
            ok = load.errors == 0 and load.rps >= RPS_GOAL
            goals.append(
                {
                    "goal": f"{database}: API {load.label} ≥ {RPS_GOAL:.0f} requests/s",
                    "measured": f"{load.rps:.0f} requests/s ({load.rps / RPS_GOAL:.2f} × goal, "
                    f"cpu {load.cpu_ms or float('nan'):.1f} ms/request, "
                    f"p95 {load.p95_ms:.1f} ms"
                    + (f", {load.errors} errors" if load.errors else "")
                    + ")",
                    "pass": ok,
                }
            )
        results[database] = {
            "demo_load_s": measured["demo_load_s"],
            "baseline": _figures(baseline),
            "pages": {load.label: _figures(load) for load in measured["pages"]},
            "api": {load.label: _figures(load) for load in measured["api"]},
            "not_measured": measured["skipped"],
            "server_errors": measured["server_errors"],
        }
    load_after = os.getloadavg()[0]
    results["load_average"] = {"before": load_before, "after": load_after}
    print(
        f"  machine: {os.cpu_count()} cores, load average {load_before:.1f} before and "
        f"{load_after:.1f} after (the load generator runs on the same cores as the server; "
        "other work on the machine lowers every figure)"
    )
    for goal in goals:
        print(f"  [{'PASS' if goal['pass'] else 'MISS'}] {goal['goal']}: {goal['measured']}")
    if opts.quick:
        print("  (quick run: short windows; the figures mean little)")
    results["goals"] = goals
    return results


if __name__ == "__main__":
    run(sys.argv[1:])
