"""数据交换 page: partners, export, and the import preview with a choice per conflicting field."""

from __future__ import annotations

from decimal import Decimal

from desktop.models import Project
from desktop.services import exchange
from desktop.views.exchange_page import ExchangePage, ImportPreviewDialog
from tests.services.test_exchange import CENTRE_NAME, Office, _new_town_project, _receive, _send


def test_page_shows_identity_and_partners_and_exports(qtbot, tmp_path):
    centre = Office(tmp_path / "中心" / "investdesk.db", CENTRE_NAME, "JL")
    town = Office(tmp_path / "水南" / "investdesk.db", "水南镇", "SN")
    with town:
        exchange.write_identity_card(tmp_path / "town.json")
    with centre:
        page = ExchangePage()
        qtbot.addWidget(page)
        page.load()
        assert "将乐县招商服务中心" in page.me_label.text() and "指纹" in page.me_label.text()
        assert page.partners.rowCount() == 0
        card = exchange.read_identity_card(tmp_path / "town.json")
        assert page.register(card, "township", "0000-0000-0000-0000") is None  # wrong fingerprint: refused
        assert page.register(card, "township", card["fingerprint"]).name == "水南镇"
        assert page.partners.rowCount() == 1 and page.partners.item(0, 0).text() == "水南镇"
        result = page.export_to("水南镇", str(tmp_path / "发给水南镇.zip"))
        assert result.seq == 1 and (tmp_path / "发给水南镇.zip").exists()
        assert "第 1 号" in page.result_label.text()
        assert page.partners.item(0, 4).text() == "1"


def test_conflict_choice_per_field_is_applied(qtbot, tmp_path):

    centre = Office(tmp_path / "中心" / "investdesk.db", CENTRE_NAME, "JL")
    town = Office(tmp_path / "水南" / "investdesk.db", "水南镇", "SN")
    with centre:
        exchange.write_identity_card(tmp_path / "c.json")
    with town:
        exchange.write_identity_card(tmp_path / "t.json")
        exchange.register_partner(exchange.read_identity_card(tmp_path / "c.json"), role="centre")
    with centre:
        exchange.register_partner(exchange.read_identity_card(tmp_path / "t.json"), role="township", unit_name="水南镇")
    code = _new_town_project(town)
    _receive(centre, _send(town, CENTRE_NAME, tmp_path / "1.zip").path)
    _receive(town, _send(centre, "水南镇", tmp_path / "c1.zip").path)
    for office, remarks, total in ((town, "乡镇备注", "15000"), (centre, "中心备注", "13000")):
        with office:
            p = Project.get(Project.code == code)
            p.remarks, p.total_investment = remarks, Decimal(total)
            p.save()
    file = _send(town, CENTRE_NAME, tmp_path / "2.zip").path
    with centre:
        page = ExchangePage()
        qtbot.addWidget(page)
        page.load()
        preview = exchange.import_file(file, dry_run=True)
        dialog = ImportPreviewDialog(str(file), preview)
        qtbot.addWidget(dialog)
        assert dialog.conflicts.rowCount() == 2
        labels = [dialog.conflicts.item(r, 1).text() for r in range(2)]
        assert "备注" in labels and any("总投资" in label for label in labels)
        # Keep the township's total, the centre's remarks.
        for uuid, name, combo in dialog.choices:
            combo.setCurrentIndex(1 if name == "total_investment" else 0)
        result = page.apply(str(file), dialog.decisions())
        assert result.applied
        p = Project.get(Project.code == code)
        assert (p.remarks, p.total_investment) == ("中心备注", Decimal(15000))
        assert "已导入" in page.result_label.text()
