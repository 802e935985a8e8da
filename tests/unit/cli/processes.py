"""What the command-line tests need to start `bianmin` as a real process."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from backend.settings import Settings
from tests.conftest import SECRET

BIANMIN = str(Path(sys.executable).parent / "bianmin")


def process_env(settings: Settings, data_dir: Path, **extra: str) -> dict[str, str]:
    """This environment without any BIANMIN_ setting, pointed at the test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BIANMIN_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=settings.effective_database_url, BIANMIN_SECRET_KEY=SECRET, BIANMIN_DATA_DIR=str(data_dir), **extra
    )
    return env
