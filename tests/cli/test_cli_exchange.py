"""`python -m desktop exchange …`: identity cards, registration, export and import with --json."""

from __future__ import annotations

import json

from desktop.cli import main


def _init(path, name, prefix):
    path.parent.mkdir(parents=True, exist_ok=True)
    assert main(["init", "--db", str(path), "--name", name, "--prefix", prefix]) == 0


def test_exchange_round_trip_through_the_command_line(tmp_path, capsys):
    centre, town = tmp_path / "中心" / "c.db", tmp_path / "水南" / "t.db"
    _init(centre, "将乐县招商服务中心", "JL")
    _init(town, "水南镇", "SN")
    assert main(["exchange", "identity", "--db", str(centre), "--out", str(tmp_path / "c.json")]) == 0
    assert main(["exchange", "identity", "--db", str(town), "--out", str(tmp_path / "t.json")]) == 0
    fingerprint = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["fingerprint"]
    capsys.readouterr()
    assert main(["exchange", "register", str(tmp_path / "t.json"), "--db", str(centre), "--role", "township",
                 "--fingerprint", "1111-2222-3333-4444"]) == 1
    assert "指纹不符" in capsys.readouterr().err
    assert main(["exchange", "register", str(tmp_path / "t.json"), "--db", str(centre), "--role", "township",
                 "--fingerprint", fingerprint]) == 0
    assert main(["exchange", "register", str(tmp_path / "c.json"), "--db", str(town), "--role", "centre"]) == 0

    out = tmp_path / "水南镇-1.zip"
    assert main(["exchange", "export", "--db", str(town), "--to", "将乐县招商服务中心", "--out", str(out)]) == 0
    assert "第 1 号交换文件" in capsys.readouterr().out
    assert main(["exchange", "import", str(out), "--db", str(centre), "--dry-run", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) >= {"new", "changed", "deleted", "unchanged", "conflicts", "refused"}
    assert payload["applied"] is False
    assert main(["exchange", "import", str(out), "--db", str(centre), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] is True
    assert main(["exchange", "import", str(out), "--db", str(centre)]) == 0
    assert "已经导入过" in capsys.readouterr().out


def test_unregistered_sender_is_refused_without_trust(tmp_path, capsys):
    centre, town = tmp_path / "c" / "c.db", tmp_path / "t" / "t.db"
    _init(centre, "将乐县招商服务中心", "JL")
    _init(town, "水南镇", "SN")
    main(["exchange", "identity", "--db", str(centre), "--out", str(tmp_path / "c.json")])
    main(["exchange", "register", str(tmp_path / "c.json"), "--db", str(town), "--role", "centre"])
    out = tmp_path / "x.zip"
    assert main(["exchange", "export", "--db", str(town), "--to", "将乐县招商服务中心", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["exchange", "import", str(out), "--db", str(centre)]) == 1
    assert "还没有登记" in capsys.readouterr().err
    assert main(["exchange", "import", str(out), "--db", str(centre), "--trust", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["applied"] is True
