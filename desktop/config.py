"""Where the data lives: the data folder, the default and demo database files."""

from __future__ import annotations

import os
from pathlib import Path

from desktop import APP_ID

# Tests and portable installs point the data folder elsewhere with this variable.
DATA_DIR_ENV = "INVESTDESK_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "investdesk.db"


def demo_database_path() -> Path:
    return data_dir() / "demo.db"


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
