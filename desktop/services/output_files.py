"""Writing a file the user asked for (a workbook, a PDF): never half-written, errors in Chinese.

The document is written to a temporary file beside the target and put in place in one step, so a
failure or a locked target leaves the old file as it was.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from desktop.errors import Location, UserError


def os_error_message(exc: OSError, path: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"磁盘空间不足，无法保存：{path}（请清理磁盘或换一个保存位置）"
    if exc.errno == errno.EROFS:
        return f"这个位置是只读的，无法保存：{path}"
    return f"无法保存文件 {path}：{exc.strerror or exc}"


def no_permission(path: Path) -> UserError:
    return UserError(f"无法在文件夹中写入文件（没有权限）：{path.parent}", Location(file=path.name))


def give_normal_permissions(path: Path) -> None:
    """mkstemp creates a private file (0600); a document gets the usual permissions."""
    if os.name != "posix":
        return
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass


def put_in_place(temp: Path, path: Path, locked_message: str) -> None:
    """Replace `path` by the finished `temp` in one step; a target open elsewhere says so."""
    give_normal_permissions(temp)
    try:
        os.replace(temp, path)
    except PermissionError as exc:
        raise UserError(locked_message) from exc
    except OSError as exc:
        if getattr(exc, "winerror", None) in (32, 33):  # sharing/lock violation on Windows
            raise UserError(locked_message) from exc
        raise UserError(os_error_message(exc, path), Location(file=path.name)) from exc
