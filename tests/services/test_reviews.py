"""即时初审: intake, opinions, scoring, veto, intensity, routing, the proposed result, the queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Unit
from desktop.models.review import Review
from desktop.services import lifecycle, projects, reviews
from desktop.services.reviews import (
    ComplianceEntry,
    OpinionInput,
    ReviewSettings,
    RoutingLevel,
    compliance_hits,
    intensity_check,
    propose,
    route,
    total_score,
)

D = dt.date
TODAY = D(2022, 9, 30)
ALL_SCORES = {"投资规模": 80, "投资强度": 70, "科技含量": 60, "发展前景": 70, "合规性": 100}  # → 73.5


# -- the pure rules ---------------------------------------------------------------------------


def test_total_score_is_out_of_100_with_the_default_weights():
    weights = ReviewSettings().weights
    assert [w for _, w in weights] == [25, 25, 20, 20, 10]
    assert total_score({k: Decimal(v) for k, v in ALL_SCORES.items()}, weights) == Decimal("73.50")
    assert total_score({k: Decimal(100) for k in ALL_SCORES}, weights) == Decimal(100)
    assert total_score({k: Decimal(0) for k in ALL_SCORES}, weights) == Decimal(0)
    partial = dict(ALL_SCORES)
    del partial["科技含量"]
    assert total_score(partial, weights) is None


def test_weights_that_do_not_add_up_to_100_still_give_a_score_out_of_100():
    weights = [("投资规模", Decimal(1)), ("发展前景", Decimal(3))]
    assert total_score({"投资规模": Decimal(100), "发展前景": Decimal(60)}, weights) == Decimal(70)


def test_compliance_hit_names_the_entry_and_where():
    entries = [ComplianceEntry("限制类", "硫酸法钛白粉", "产业结构调整指导目录 限制类"),
               ComplianceEntry("淘汰类", "黏土实心砖", "淘汰类")]
    hits = compliance_hits({"项目名称": "年产3万吨钛白粉精细化加工", "建设内容": "采用 硫酸法钛白粉 工艺"}, entries)
    assert [(h.kind, h.keyword, h.found_in) for h in hits] == [("限制类", "硫酸法钛白粉", "建设内容")]
    assert "硫酸法钛白粉" in hits[0].describe() and "建设内容" in hits[0].describe()
    assert compliance_hits({"项目名称": "年产3万吨钛白粉精细化加工"}, entries) == []
    # Full-width text and spaces do not hide a keyword.
    assert compliance_hits({"项目名称": "黏土 实心砖厂"}, entries)[0].keyword == "黏土实心砖"


def test_intensity_threshold_per_industry_and_non_industrial_exemption():
    settings = ReviewSettings(intensity_overrides={"精细化工": Decimal(400)})
    ordinary = intensity_check(Decimal(30000), Decimal(100), "轻合金", settings)
    assert ordinary.value == Decimal(300) and ordinary.threshold == Decimal(300) and ordinary.meets is True
    chemicals = intensity_check(Decimal(30000), Decimal(100), "精细化工", settings)
    assert chemicals.threshold == Decimal(400) and chemicals.meets is False
    assert "低于门槛 400" in chemicals.describe()
    retail = intensity_check(Decimal(10000), Decimal(100), "商贸物流", settings)  # 居然之家
    assert retail.value == Decimal(100) and not retail.applies and retail.meets is None
    assert "不适用" in retail.describe()
    assert not intensity_check(Decimal(1000), Decimal(50), "森林康养", settings).applies
    unknown = intensity_check(None, Decimal(50), "轻合金", settings)
    assert unknown.value is None and unknown.meets is None and "无法计算" in unknown.describe()


@pytest.mark.parametrize("land, bodies", [
    (None, ["领导小组"]),
    (Decimal(0), ["领导小组"]),
    (Decimal(30), ["领导小组"]),
    (Decimal("30.01"), ["领导小组", "政府常务会"]),
    (Decimal(100), ["领导小组", "政府常务会"]),
    (Decimal("100.01"), ["领导小组", "政府常务会", "县委常委会"]),
    (Decimal(320), ["领导小组", "政府常务会", "县委常委会"]),
])
def test_routing_by_land(land, bodies):
    assert route(land, ReviewSettings()) == bodies


def test_routing_thresholds_are_editable():
    settings = ReviewSettings(routing=[RoutingLevel(Decimal(50), "政府常务会")])
    assert route(Decimal(40), settings) == ["领导小组"]
    assert route(Decimal(51), settings) == ["领导小组", "政府常务会"]


def _propose(**kwargs):
    args = dict(hits=[], missing=[], score=Decimal(75), pass_mark=Decimal(60),
                opinions={"发改局": "同意", "工信局": "有条件同意"}, member_units=["发改局", "工信局"])
    args.update(kwargs)
    return propose(**args)


def test_proposed_result_rules():
    veto = compliance_hits({"项目名称": "虚拟货币挖矿中心"}, ReviewSettings().compliance)
    assert _propose(hits=veto, missing=["营业执照"]).result == "不通过"  # the veto comes first
    assert "合规性否决" in _propose(hits=veto).reasons[0]
    assert _propose(missing=["营业执照", "投资意向书"]).result == "补充材料"
    passed = _propose()
    assert passed.result == "通过" and "有条件同意：工信局" in passed.reasons
    assert _propose(score=Decimal(60)).result == "通过"  # the pass mark itself passes
    assert _propose(score=Decimal("59.99")).result == "不通过"
    against = _propose(opinions={"发改局": "同意", "工信局": "不同意"})
    assert against.result == "不通过" and "不同意：工信局" in against.reasons
    assert _propose(score=None).result == "待定"
    waiting = _propose(opinions={"发改局": "同意"})
    assert waiting.result == "待定" and "尚未反馈意见：工信局" in waiting.reasons[0]


# -- with a database --------------------------------------------------------------------------


def _project(name="10万吨新型铝合金材料及制品", *, industry="轻合金", fixed=Decimal(30000), land=Decimal(80), content=""):
    return projects.create_project(
        {"name": name, "investor_name": "福建闽铝新材料有限公司", "total_investment": Decimal(100000),
         "fixed_asset_investment": fixed, "land_area": land, "industry": industry, "content": content},
        today=D(2022, 1, 1),
    )


def _complete(review_id, *, opinion="同意", scores=ALL_SCORES, day=D(2022, 9, 5)):
    detail = reviews.review_detail(review_id, today=TODAY)
    reviews.save_form(
        review_id,
        opinions=[OpinionInput(row.unit_id, opinion, "符合产业规划", day) for row in detail.opinions],
        scores=scores,
        materials={m.name: True for m in detail.materials},
        today=TODAY,
    )


def test_intake_records_step_5_and_the_deadline(fresh_db):
    pid = _project()
    review_id = reviews.open_review(pid, D(2022, 9, 29), today=TODAY)
    assert {r.number: r.done_on for r in lifecycle.project_step_rows(pid) if r.recorded} == {5: D(2022, 9, 29)}
    detail = reviews.review_detail(review_id, today=TODAY)
    assert detail.deadline == D(2022, 10, 9)  # three working days across 国庆 (8 and 9 October worked)
    assert detail.days_left == 2 and detail.status == "审查中"  # 8 and 9 October
    assert [m.name for m in detail.materials][:3] == ["营业执照", "投资意向书", "项目建议书"]
    assert all(not m.submitted for m in detail.materials)
    # Every default member unit is there, mapped to the county's units (发改局 → 县发改局).
    assert [row.unit_name for row in detail.opinions] == [
        "县发改局", "县工信局", "县自然资源局", "县生态环境局", "县应急管理局", "县住建局", "县商务局"]


def test_calendar_day_mode_setting(fresh_db):
    settings = reviews.load_settings()
    settings.deadline_mode = "calendar"
    reviews.save_settings(settings)
    review_id = reviews.open_review(_project(), D(2022, 9, 29), today=TODAY)
    assert reviews.review_detail(review_id, today=TODAY).deadline == D(2022, 10, 2)


def test_intake_refuses_a_signed_project(fresh_db):
    pid = _project()
    lifecycle.record_step(pid, 9, D(2022, 8, 1), today=TODAY)
    with pytest.raises(UserError, match="已签订正式协议，不再进行即时初审"):
        reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    assert Review.select().count() == 0
    assert pid not in {c.id for c in reviews.review_candidates()}


def test_intake_refuses_a_second_open_review_future_dates_and_unknown_projects(fresh_db):
    pid = _project()
    reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    with pytest.raises(UserError, match="已有进行中的初审"):
        reviews.open_review(pid, D(2022, 9, 2), today=TODAY)
    assert pid not in {c.id for c in reviews.review_candidates()}
    other = _project("陶粒混凝土防火保温板", industry="新材料")
    assert other in {c.id for c in reviews.review_candidates()}
    with pytest.raises(UserError, match="晚于今天"):
        reviews.open_review(other, D(2022, 10, 1), today=TODAY)
    with pytest.raises(NotFoundError):
        reviews.open_review(9999, D(2022, 9, 1), today=TODAY)


def test_missing_member_units_are_created(fresh_db):
    settings = reviews.load_settings()
    settings.member_units = ["发改局", "县水利局"]
    reviews.save_settings(settings)
    assert Unit.get_or_none(Unit.name == "县水利局") is not None
    assert Unit.get_or_none(Unit.name == "发改局") is None  # mapped to 县发改局, not duplicated
    review_id = reviews.open_review(_project(), D(2022, 9, 1), today=TODAY)
    assert [r.unit_name for r in reviews.review_detail(review_id, today=TODAY).opinions] == ["县发改局", "县水利局"]


def test_pass_records_step_6_and_freezes_the_review(fresh_db):
    pid = _project()
    review_id = reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    _complete(review_id)
    detail = reviews.review_detail(review_id, today=TODAY)
    assert detail.score == Decimal("73.50") and detail.proposal.result == "通过"
    assert detail.routing == ["领导小组", "政府常务会"]  # 80 亩
    assert reviews.confirm_review(review_id, D(2022, 9, 6), today=TODAY) == "通过"
    steps = {r.number: r.done_on for r in lifecycle.project_step_rows(pid) if r.recorded}
    assert steps == {5: D(2022, 9, 1), 6: D(2022, 9, 6)}
    # Later changes to the settings do not change a confirmed review.
    settings = reviews.load_settings()
    settings.weights = [("投资规模", Decimal(100))]
    settings.pass_mark = Decimal(90)
    reviews.save_settings(settings)
    done = reviews.review_detail(review_id, today=TODAY)
    assert done.status == "已完成" and done.result == "通过" and done.score == Decimal("73.50")
    assert [s.criterion for s in done.scores] == list(ALL_SCORES)
    assert done.days_left is None
    with pytest.raises(UserError, match="不能再修改"):
        reviews.set_scores(review_id, {"投资规模": 10})
    with pytest.raises(UserError, match="已确认的初审不能删除"):
        reviews.delete_review(review_id)


def test_disagreement_or_low_score_fails_without_step_6(fresh_db):
    pid = _project()
    review_id = reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    _complete(review_id)
    unit = reviews.review_detail(review_id, today=TODAY).opinions[3]
    reviews.record_opinion(review_id, unit.unit_id, "不同意", "位于生态红线附近", D(2022, 9, 2), today=TODAY)
    detail = reviews.review_detail(review_id, today=TODAY)
    assert detail.proposal.result == "不通过" and "不同意：生态环境局" in detail.proposal.reasons
    assert reviews.confirm_review(review_id, D(2022, 9, 6), today=TODAY) == "不通过"
    assert 6 not in {r.number for r in lifecycle.project_step_rows(pid) if r.recorded}

    other = reviews.open_review(_project("高精密电子元器件", industry="电子信息"), D(2022, 9, 1), today=TODAY)
    _complete(other, scores={k: 50 for k in ALL_SCORES})
    assert reviews.review_detail(other, today=TODAY).proposal.result == "不通过"


def test_veto_shows_the_entry(fresh_db):
    pid = _project("年产3万吨钛白粉精细化加工", industry="精细化工", content="新建硫酸法钛白粉生产线")
    review_id = reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    _complete(review_id)
    detail = reviews.review_detail(review_id, today=TODAY)
    assert detail.proposal.result == "不通过"
    assert detail.compliance[0].keyword == "硫酸法钛白粉" and detail.compliance[0].found_in == "建设内容"
    assert "硫酸法钛白粉" in detail.proposal.reasons[0]
    # The list is editable: without the entry the same project passes.
    settings = reviews.load_settings()
    settings.compliance = [e for e in settings.compliance if e.keyword != "硫酸法钛白粉"]
    reviews.save_settings(settings)
    assert reviews.review_detail(review_id, today=TODAY).proposal.result == "通过"


def test_missing_materials_then_supplied(fresh_db):
    pid = _project()
    review_id = reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    _complete(review_id)
    reviews.set_materials(review_id, {"可行性研究报告": False, "环境影响初步分析": False})
    detail = reviews.review_detail(review_id, today=TODAY)
    assert detail.missing == ["可行性研究报告", "环境影响初步分析"]
    assert detail.proposal.result == "补充材料"
    assert reviews.confirm_review(review_id, D(2022, 9, 6), today=TODAY) == "补充材料"
    waiting = reviews.review_detail(review_id, today=TODAY)
    assert waiting.status == "待补充材料" and waiting.notice_on == D(2022, 9, 6)
    # Ten working days from Tuesday 6 September 2022 (中秋 on Monday the 12th): 21 September.
    assert waiting.supply_deadline == D(2022, 9, 21) and waiting.due == D(2022, 9, 21)
    assert 6 not in {r.number for r in lifecycle.project_step_rows(pid) if r.recorded}
    reviews.set_materials(review_id, {"可行性研究报告": True, "环境影响初步分析": True})
    assert reviews.confirm_review(review_id, D(2022, 9, 20), today=TODAY) == "通过"
    assert {r.number: r.done_on for r in lifecycle.project_step_rows(pid) if r.recorded}[6] == D(2022, 9, 20)


def test_pending_proposal_cannot_be_confirmed(fresh_db):
    review_id = reviews.open_review(_project(), D(2022, 9, 1), today=TODAY)
    reviews.set_materials(review_id, {name: True for name in reviews.load_settings().materials})
    reviews.set_scores(review_id, ALL_SCORES)
    with pytest.raises(UserError, match="还不能确认：尚未反馈意见"):
        reviews.confirm_review(review_id, D(2022, 9, 6), today=TODAY)


def test_input_checks(fresh_db):
    review_id = reviews.open_review(_project(), D(2022, 9, 1), today=TODAY)
    unit = reviews.review_detail(review_id, today=TODAY).opinions[0].unit_id
    with pytest.raises(ValidationError, match="0–100"):
        reviews.set_scores(review_id, {"投资规模": 101})
    with pytest.raises(UserError, match="不是数字"):
        reviews.set_scores(review_id, {"投资规模": "很好"})
    with pytest.raises(ValidationError, match="意见只能是"):
        reviews.record_opinion(review_id, unit, "基本同意", today=TODAY)
    with pytest.raises(ValidationError, match="早于提交初审"):
        reviews.record_opinion(review_id, unit, "同意", given_on=D(2022, 8, 31), today=TODAY)
    reviews.record_opinion(review_id, unit, "同意", "无意见", D(2022, 9, 2), today=TODAY)
    reviews.record_opinion(review_id, unit, "", today=TODAY)  # cleared
    assert reviews.review_detail(review_id, today=TODAY).opinions[0].opinion == ""
    with pytest.raises(NotFoundError, match="没有编号为 999 的初审"):
        reviews.review_detail(999)


def test_settings_round_trip_and_validation(fresh_db):
    settings = reviews.load_settings()
    settings.intensity_overrides = {"精细化工": Decimal(350)}
    settings.compliance.append(ComplianceEntry("负面清单", "烟花爆竹", "测试"))
    settings.contact_person, settings.contact_phone = "杨思远", "0598-2321234"
    reviews.save_settings(settings)
    again = reviews.load_settings()
    assert again.intensity_overrides == {"精细化工": Decimal(350)}
    assert again.compliance[-1].keyword == "烟花爆竹" and again.contact_phone == "0598-2321234"
    bad = reviews.load_settings()
    bad.pass_mark = Decimal(120)
    bad.routing = [RoutingLevel(Decimal(100), "县委常委会"), RoutingLevel(Decimal(30), "政府常务会")]
    with pytest.raises(ValidationError) as info:
        reviews.save_settings(bad)
    assert set(info.value.errors) == {"pass_mark", "routing"}


def test_queue_filters_and_days_left(fresh_db):
    a = reviews.open_review(_project("项目甲"), D(2022, 9, 1), today=TODAY)  # due Tue 6 Sep
    b = reviews.open_review(_project("项目乙"), D(2022, 9, 28), today=TODAY)  # due Sat 8 Oct (worked)
    c = reviews.open_review(_project("项目丙"), D(2022, 9, 2), today=TODAY)
    _complete(c)
    reviews.confirm_review(c, D(2022, 9, 6), today=TODAY)
    today = D(2022, 9, 7)
    rows = {r.id: r for r in reviews.list_reviews("all", today=today)}
    assert rows[a].overdue and rows[a].days_left == -1 and rows[a].days_left_text == "超期 1 天"
    assert not rows[b].overdue and rows[b].due == D(2022, 10, 8)
    assert rows[c].status == "已完成" and rows[c].proposed == "通过" and rows[c].days_left is None
    assert [r.id for r in reviews.list_reviews("all", today=today)] == [a, b, c]
    assert [r.id for r in reviews.list_reviews("pending", today=today)] == [a, b]
    assert [r.id for r in reviews.list_reviews("overdue", today=today)] == [a]
    assert [r.id for r in reviews.list_reviews("done", today=today)] == [c]
    with pytest.raises(UserError):
        reviews.list_reviews("late")


def test_delete_an_unconfirmed_review_undoes_its_step_5(fresh_db):
    pid = _project()
    review_id = reviews.open_review(pid, D(2022, 9, 1), today=TODAY)
    reviews.delete_review(review_id)
    assert Review.select().count() == 0
    assert not any(r.recorded for r in lifecycle.project_step_rows(pid))


def test_export_queue(fresh_db, tmp_path):
    from openpyxl import load_workbook

    reviews.open_review(_project(), D(2022, 9, 1), today=TODAY)
    out = tmp_path / "初审.xlsx"
    reviews.export_reviews(out, reviews.list_reviews(today=TODAY))
    values = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row if c]
    assert "10万吨新型铝合金材料及制品" in values and "审查中" in values


# -- the demo ---------------------------------------------------------------------------------


def test_demo_reviews(demo_db):
    from desktop.models import Project
    from desktop.services.demo import DEMO_AS_OF

    rows = reviews.list_reviews("all", today=DEMO_AS_OF)
    assert len(rows) == 7
    by_name = {r.project_name: r for r in rows}
    assert {"10万吨新型铝合金材料及制品", "陶粒混凝土防火保温板", "居然之家"} <= set(by_name)
    results = [r.proposed for r in rows]
    assert results.count("通过") >= 3
    aluminium = by_name["10万吨新型铝合金材料及制品"]
    assert aluminium.status == "审查中" and 0 <= aluminium.days_left <= 1
    panel = reviews.review_detail(by_name["陶粒混凝土防火保温板"].id, today=DEMO_AS_OF)
    assert panel.status == "待补充材料" and "环境影响初步分析" in panel.missing
    assert reviews.notice_data(panel.id).missing == panel.missing
    for row in rows:
        project = Project.get_by_id(row.project_id)
        assert project.signed_on is None  # all among the projects under negotiation
        detail = reviews.review_detail(row.id, today=DEMO_AS_OF)
        assert any(o.opinion for o in detail.opinions)
        assert detail.submitted_on <= DEMO_AS_OF
        if row.proposed == "通过":
            assert 6 in {r.number for r in lifecycle.project_step_rows(row.project_id) if r.recorded}


def test_latest_review_for_projects(fresh_db):
    first, second = _project("项目甲"), _project("项目乙")
    old = reviews.open_review(first, D(2022, 8, 1), today=TODAY)
    _complete(old, day=D(2022, 8, 2))
    reviews.set_scores(old, {"投资规模": 0, "投资强度": 0})
    reviews.confirm_review(old, D(2022, 8, 5), today=TODAY)  # 不通过
    new = reviews.open_review(first, D(2022, 9, 1), today=TODAY)  # submitted again
    found = reviews.latest_reviews_for_projects([first, second], today=TODAY)
    assert set(found) == {first} and found[first].id == new
    assert reviews.latest_review_for_project(first, today=TODAY).id == new
    assert reviews.latest_review_for_project(second) is None
