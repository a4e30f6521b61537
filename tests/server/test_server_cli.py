"""``citycarbon manage`` and ``citycarbon serve`` (gunicorn on loopback)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

RUN = "import sys; import citycarbon.cli.server; from citycarbon.cli import main; main()"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CITYCARBON_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        CITYCARBON_DATA_DIR=str(tmp_path / "data"),
        CITYCARBON_SECRET_KEY="s" * 50,
        CITYCARBON_HTTPS="0",
    )
    env.update(extra)
    return env


def _citycarbon(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_passes_through_to_django(tmp_path: Path) -> None:
    done = _citycarbon(tmp_path, "manage", "check")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    listing = _citycarbon(tmp_path, "manage", "help")
    assert "load_jurisdictions" in listing.stdout
    assert "demo" in listing.stdout


def test_serve_refuses_without_a_secret_key(tmp_path: Path) -> None:
    env_free = _citycarbon(tmp_path, "serve", CITYCARBON_SECRET_KEY="")
    assert env_free.returncode == 2
    assert "CITYCARBON_SECRET_KEY is not set" in env_free.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_runs_gunicorn_with_the_application(tmp_path: Path) -> None:
    loaded = _citycarbon(
        tmp_path, "manage", "demo", "--allow-production", "--password", "demo-pass-2015x"
    )
    assert loaded.returncode == 0, loaded.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", RUN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/geo/jurisdictions/dengfeng", timeout=5
                ) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert b'"name_zh": "\\u767b\\u5c01\\u5e02"' in body or "登封市".encode() in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/jurisdictions/", timeout=5) as r:
            page = r.read().decode()
        # collectstatic ran: hashed asset names from the manifest
        assert "/static/vendor/echarts/echarts.min." in page
        assert "/static/vendor/echarts/echarts.min.js" not in page
        # … before the application was loaded, so the server finds what the page links to.
        assets = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page)))
        assert any(a.startswith("/static/citycarbon/site.") and a.endswith(".css") for a in assets)
        assert any(a.startswith("/static/vendor/htmx/htmx.min.") for a in assets)
        for asset in assets:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{asset}", timeout=5) as r:
                assert r.status == 200, asset
                assert len(r.read()) > 100, asset
    finally:
        output = _stop(server)
    assert "citycarbon: static files collected" in output

    # A second start with the same sources skips the collection.
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", RUN, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/static/citycarbon/site.css")
    finally:
        output = _stop(server)
    assert "citycarbon: serving on" in output
    assert "static files collected" not in output


def _wait_for(url: str) -> bytes:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                return bytes(r.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _stop(server: subprocess.Popen[str]) -> str:
    server.terminate()
    try:
        output, _ = server.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        output, _ = server.communicate()
    return output
