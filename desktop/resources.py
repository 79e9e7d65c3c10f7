"""Finds bundled resources (fonts, icons, templates) whether run from source or frozen."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


FONT_FILE = ("fonts", "DroidSansFallbackFull.ttf")


def font_path() -> Path:
    return resource_path(*FONT_FILE)
