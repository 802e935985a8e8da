"""The VAPID key: created once in the data dir, private, shared by every process."""

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx

from backend.app import create_app
from backend.notifications._vapid import KEY_FILE, load_vapid
from backend.settings import Settings
from tests.conftest import SECRET, running

BIANMIN = str(Path(sys.executable).parent / "bianmin")


def test_the_key_is_created_once_with_mode_0600(tmp_path):
    first = load_vapid(tmp_path / "data", "mailto:ops@example.com")
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert (
        load_vapid(tmp_path / "data", "mailto:ops@example.com").application_server_key == first.application_server_key
    )
    assert [p.name for p in path.parent.iterdir()] == [KEY_FILE]  # no temporary files left


def test_processes_starting_together_agree_on_one_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(BIANMIN_DATA_DIR=str(tmp_path / "data"), BIANMIN_SECRET_KEY=SECRET)
    processes = [
        subprocess.Popen([BIANMIN, "vapid"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(6)
    ]
    keys = {p.communicate(timeout=60)[0].decode().strip() for p in processes}
    assert all(p.returncode == 0 for p in processes)
    assert len(keys) == 1
    assert keys == {load_vapid(tmp_path / "data", "-").application_server_key}


async def test_the_app_serves_the_key_the_command_prints(tmp_path, database_url):
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url, secret_key=SECRET, pwa_dir=tmp_path)
    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            served = (await client.get("/api/v1/push/key")).json()["public_key"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(BIANMIN_DATA_DIR=str(tmp_path / "data"), BIANMIN_SECRET_KEY=SECRET)
    done = await asyncio.to_thread(subprocess.run, [BIANMIN, "vapid"], env=env, capture_output=True, check=True)
    printed = done.stdout.decode()
    assert printed == served + "\n"
