"""Creating and opening the installation's database (services.database)."""

from __future__ import annotations

import pytest

from desktop import db
from desktop.db import database
from desktop.errors import DatabaseError
from desktop.migrations import CURRENT_VERSION, schema_version
from desktop.models import LifecycleStep, Project, Unit
from desktop.services import database as service
from desktop.services import defaults


def test_init_creates_the_default_settings(fresh_db):
    assert fresh_db.exists()
    assert schema_version() == CURRENT_VERSION
    assert service.installation_name() == "将乐县招商服务中心"
    assert service.code_prefix() == "JL"
    assert not service.is_demo()
    assert service.schema_is_current()

    steps = list(LifecycleStep.select().order_by(LifecycleStep.number))
    assert [s.number for s in steps] == list(range(1, 24))
    assert sum(s.points for s in steps) == sum(row[3] for row in defaults.DEFAULT_STEPS)
    assert {s.number for s in steps if s.optional} == set(range(13, 19))
    assert {s.milestone: s.number for s in steps if s.milestone} == {"签约": 9, "入库": 10, "开工": 19, "投产": 22}

    townships = [u.name for u in Unit.select().where(Unit.kind == "乡镇").order_by(Unit.sort_order)]
    assert townships == [
        "古镛镇", "万安镇", "高唐镇", "白莲镇", "黄潭镇", "水南镇",
        "光明乡", "漠源乡", "南口乡", "万全乡", "安仁乡", "大源乡", "余坊乡",
    ]
    assert Unit.select().where(Unit.name == "县招商服务中心").exists()
    assert Project.select().count() == 0


def test_init_with_a_name_and_prefix(tmp_path):
    target = tmp_path / "水南镇.db"
    service.init_database(target, name="水南镇人民政府", prefix="sn")
    try:
        assert service.installation_name() == "水南镇人民政府"
        assert service.code_prefix() == "SN"
    finally:
        db.close()


@pytest.mark.parametrize("prefix", ["", "S N", "招商", "TOOLONGXX", "J-L"])
def test_init_refuses_a_bad_prefix_and_makes_no_file(tmp_path, prefix):
    target = tmp_path / "x.db"
    with pytest.raises(DatabaseError, match="前缀"):
        service.init_database(target, prefix=prefix)
    assert not target.exists()


def test_init_refuses_an_existing_file(fresh_db):
    db.close()
    before = fresh_db.read_bytes()
    with pytest.raises(DatabaseError) as info:
        service.init_database(fresh_db)
    assert "已存在" in str(info.value)
    assert fresh_db.read_bytes() == before


def test_init_can_overwrite_when_asked(fresh_db):
    Project.create(code="JL-2022-0001", name="会被清掉", total_investment=1)
    service.init_database(fresh_db, overwrite=True)
    assert Project.select().count() == 0
    assert LifecycleStep.select().count() == 23
    db.close()


def test_seeding_twice_adds_nothing(fresh_db):
    units, steps = Unit.select().count(), LifecycleStep.select().count()
    service.seed_defaults(name="将乐县招商服务中心", prefix="JL")
    assert (Unit.select().count(), LifecycleStep.select().count()) == (units, steps)


def test_open_database_refuses_a_missing_file_and_does_not_create_it(tmp_path):
    target = tmp_path / "不存在.db"
    with pytest.raises(DatabaseError, match="不存在"):
        service.open_database(target)
    assert not target.exists()


def test_open_database_refuses_a_file_that_is_not_sqlite(tmp_path):
    target = tmp_path / "项目表.xlsx"
    target.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(DatabaseError, match="不是"):
        service.open_database(target)


def test_open_database_accepts_a_sqlite_url(fresh_db):
    db.close()
    service.open_database(f"sqlite:///{fresh_db}")
    assert LifecycleStep.select().count() == 23
    assert db.database_file() == fresh_db
    assert db.is_sqlite()


def test_settings_are_kept(fresh_db):
    service.set_setting("intensity_threshold", "300")
    service.set_setting("intensity_threshold", "350")
    assert service.get_setting("intensity_threshold") == "350"
    assert service.get_setting("no_such_setting", "默认") == "默认"
    db.close()
    service.open_database(fresh_db)
    assert service.get_setting("intensity_threshold") == "350"


def test_the_database_is_usable_after_refusing_another(fresh_db, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database", encoding="utf-8")
    db.close()
    with pytest.raises(DatabaseError):
        service.open_database(bogus)
    service.open_database(fresh_db)
    assert database.execute_sql("SELECT COUNT(*) FROM lifecycle_step").fetchone()[0] == 23


def test_open_database_refuses_an_empty_file_and_leaves_it_empty(tmp_path):
    empty = tmp_path / "空文件.db"
    empty.write_bytes(b"")
    with pytest.raises(DatabaseError, match="不是招商工作台的数据库"):
        service.open_database(empty)
    assert empty.stat().st_size == 0


def test_open_database_refuses_another_programs_sqlite_file(tmp_path):
    import sqlite3

    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseError, match="不是招商工作台的数据库"):
        service.open_database(other)
    connection = sqlite3.connect(other)
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    connection.close()
    assert tables == {"contacts"}


def test_server_passwords_never_appear_in_messages():
    from desktop.db import redact

    assert redact("postgresql://zhang:秘密123@192.0.2.1:5432/investdesk") == "postgresql://zhang:***@192.0.2.1:5432/investdesk"
    assert "秘密" not in redact("无法连接 postgresql://zhang:秘密@h/db：timeout")
