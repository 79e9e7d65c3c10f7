"""Where a SQLite file may live: on this PC's own disk, never on a network share.

SQLite's locking does not hold over SMB/NFS: two PCs writing one file on a share corrupt it sooner
or later. So a database on a UNC path (\\\\server\\share\\…, //server/share/…) or on a mapped network
drive (Windows: GetDriveType == DRIVE_REMOTE) is refused with a message pointing to server mode.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

from desktop.errors import DatabaseError

DRIVE_REMOTE = 4  # GetDriveTypeW's answer for a network drive
# Linux/macOS file systems that live on another machine (for completeness; the office runs Windows).
NETWORK_FS_TYPES = {"cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse.sshfs", "afpfs", "9p", "davfs", "fuse.davfs2"}


class NetworkPathError(DatabaseError):
    """The SQLite file is on a network path."""


def _is_unc(text: str) -> bool:
    if text.startswith(("\\\\?\\", "//?/")):
        rest = text[4:]
        return rest.upper().startswith(("UNC\\", "UNC/"))
    if text.startswith(("\\\\.\\", "//./")):
        return False  # a device path
    return text.startswith(("\\\\", "//")) and len(text) > 2 and text[2] not in "\\/"


def windows_drive_type(root: str) -> int:
    """GetDriveTypeW for a drive root such as "Z:\\" (0 when it cannot be asked)."""
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


def _posix_fs_type(path: Path) -> str:
    """The file system type of the mount holding `path` (from /proc/mounts; "" when unknown)."""
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as fh:
            mounts = [line.split()[:3] for line in fh if len(line.split()) >= 3]
    except OSError:
        return ""
    target = os.path.realpath(path)
    best, fs_type = "", ""
    for _device, mount_point, kind in mounts:
        mount_point = mount_point.replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, fs_type = mount_point, kind
    return fs_type


def is_network_path(path, *, platform: str | None = None) -> bool:
    text = os.fspath(path)
    if _is_unc(text):
        return True
    platform = platform or sys.platform
    if platform == "win32":
        if text.startswith(("\\\\?\\", "//?/")):
            text = text[4:]  # a long-path prefix before a drive letter
        if not PureWindowsPath(text).drive and platform == sys.platform:
            text = os.path.abspath(text)  # a relative path lives on the current drive
            if _is_unc(text):
                return True
        drive = PureWindowsPath(text).drive
        if len(drive) == 2 and drive[1] == ":":
            return windows_drive_type(drive + "\\") == DRIVE_REMOTE
        return False
    existing = Path(text)
    try:
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
    except OSError:
        return False  # an unreadable folder: opening the file will say so in its own words
    return _posix_fs_type(existing) in NETWORK_FS_TYPES


def refuse_network_path(url_or_path) -> None:
    """Raise NetworkPathError if `url_or_path` is a SQLite file on a network path (servers pass)."""
    from desktop.db import sqlite_path_from_url

    path = sqlite_path_from_url(os.fspath(url_or_path))
    if path is None:
        return
    if is_network_path(path):
        raise NetworkPathError(
            f"数据库文件在网络位置上：{path}\n"
            "本机数据库文件不能放在共享文件夹或网络驱动器上——几台电脑同时写入会损坏数据。"
            "请把数据库文件放在本机硬盘上；几个人共用数据请改用服务器模式（服务器模式，PostgreSQL 数据库服务器），"
            "在“设置 → 数据库连接”中设置。"
        )
