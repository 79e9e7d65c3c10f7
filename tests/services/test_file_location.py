"""A SQLite file on a network path is refused with a message pointing to server mode."""

from __future__ import annotations

import pytest

from desktop.services import file_location
from desktop.services.file_location import NetworkPathError, is_network_path, refuse_network_path


@pytest.mark.parametrize(
    "path",
    [
        r"\\fileserver\招商\investdesk.db",
        "//fileserver/share/investdesk.db",
        r"\\?\UNC\fileserver\share\investdesk.db",
        "sqlite:///\\\\fileserver\\share\\investdesk.db",
    ],
)
def test_unc_paths_are_network_paths(path):
    with pytest.raises(NetworkPathError) as info:
        refuse_network_path(path)
    message = str(info.value)
    assert "网络" in message and "服务器模式" in message and "PostgreSQL" in message


def test_a_mapped_network_drive_is_refused_on_windows(monkeypatch):
    asked = []

    def drive_type(root):
        asked.append(root)
        return file_location.DRIVE_REMOTE if root.upper() == "Z:\\" else 3  # 3 = DRIVE_FIXED

    monkeypatch.setattr(file_location, "windows_drive_type", drive_type)
    assert is_network_path(r"Z:\招商\investdesk.db", platform="win32")
    assert not is_network_path(r"C:\Users\张三\AppData\investdesk.db", platform="win32")
    assert asked == ["Z:\\", "C:\\"]
    assert not is_network_path(r"\\?\C:\数据\investdesk.db", platform="win32")
    assert asked[-1] == "C:\\"


def test_mapped_drive_refusal_through_the_url(monkeypatch):
    monkeypatch.setattr(file_location.sys, "platform", "win32")
    monkeypatch.setattr(file_location, "windows_drive_type", lambda root: file_location.DRIVE_REMOTE)
    with pytest.raises(NetworkPathError, match="服务器模式"):
        refuse_network_path("sqlite:///Z:/招商/investdesk.db")


def test_local_files_and_servers_pass(tmp_path):
    refuse_network_path(tmp_path / "本机" / "investdesk.db")
    refuse_network_path("postgresql://investdesk@server/investdesk")
    assert not is_network_path(r"\\.\PhysicalDrive0")


def test_a_network_file_system_mount_on_linux(monkeypatch, tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"//nas/share {tmp_path / 'nas'} cifs rw 0 0\n/dev/sda1 / ext4 rw 0 0\n", encoding="utf-8")
    real_open = open

    def fake_open(path, *args, **kwargs):
        return real_open(mounts if path == "/proc/mounts" else path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", fake_open)
    (tmp_path / "nas").mkdir()
    assert is_network_path(tmp_path / "nas" / "investdesk.db", platform="linux")
    assert not is_network_path(tmp_path / "local.db", platform="linux")


def test_windows_drive_type_calls_get_drive_type(monkeypatch):
    import ctypes
    import types

    calls = []
    kernel32 = types.SimpleNamespace(GetDriveTypeW=lambda root: calls.append(root.value) or 4)
    monkeypatch.setattr(ctypes, "windll", types.SimpleNamespace(kernel32=kernel32), raising=False)
    assert file_location.windows_drive_type("Z:\\") == file_location.DRIVE_REMOTE
    assert calls == ["Z:\\"]
