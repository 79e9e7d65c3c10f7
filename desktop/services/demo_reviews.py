"""Demo data for 即时初审: seven reviewed projects, all among the 72 under negotiation on 30 June 2022.

Four passed (the projects the leadership group studies: 居然之家, 酒石酸, 有机硅, 钛白粉), one failed,
陶粒混凝土防火保温板 waits for materials (with its 一次性告知书), and 10万吨新型铝合金材料及制品 was
submitted on Monday 29 August 2022, its opinions due on 1 September — close to its deadline on the
demo's last day. Written through the review service, so steps 5 and 6 are recorded as in real use
(only unsigned projects, so the reference figures do not move).
"""

from __future__ import annotations

import datetime as dt

from desktop.models import LifecycleStep, Project, StatusChange, StepRecord
from desktop.services import reviews
from desktop.services.reviews import OpinionInput

DEMO_ORDER = 40
D = dt.date

AGREE, CONDITIONAL, AGAINST = "同意", "有条件同意", "不同意"
UNIT_KEYS = ["发改局", "工信局", "自然资源局", "生态环境局", "应急管理局", "住建局", "商务局"]
DEFAULT_TEXT = {
    "发改局": "符合县域产业发展规划，同意推进",
    "工信局": "符合主导产业方向，同意",
    "自然资源局": "拟选址符合国土空间规划，用地可纳入年度供地计划",
    "生态环境局": "项目选址不在生态保护红线内，环评手续按规定办理",
    "应急管理局": "须按规定开展安全评价，落实“三同时”",
    "住建局": "无意见",
    "商务局": "同意引进",
}

# name → (submitted, opinions given on, confirmed, scores, special opinions {unit: (opinion, text)}, missing)
PASSED = {
    "居然之家": (D(2022, 2, 25), D(2022, 2, 28), D(2022, 3, 2), (85, 70, 60, 85, 100),
             {"商务局": (AGREE, "完善县城商贸业态，带动就业，同意引进"),
              "自然资源局": (CONDITIONAL, "商业用地，须按规划条件公开出让"),
              "工信局": (AGREE, "非工业项目，无意见")}),
    "年产6000吨食品添加剂酒石酸": (D(2022, 3, 24), D(2022, 3, 28), D(2022, 4, 6), (75, 70, 75, 80, 100),
                          {"生态环境局": (CONDITIONAL, "须入驻化工园区，废水经预处理后接入园区污水处理厂")}),
    "年产2万吨有机硅生产线": (D(2022, 1, 28), D(2022, 1, 30), D(2022, 2, 12), (90, 90, 80, 85, 100),
                      {"应急管理局": (CONDITIONAL, "属危险化学品生产，须开展安全条件论证")}),
    "年产3万吨钛白粉精细化加工": (D(2022, 1, 31), D(2022, 2, 8), D(2022, 2, 23), (80, 90, 70, 75, 100),
                        {"生态环境局": (CONDITIONAL, "须采用氯化法等清洁工艺，不得新建硫酸法钛白粉装置")}),
}


def _member_unit_ids() -> dict[str, int]:
    return dict(zip(UNIT_KEYS, reviews.ensure_member_units(UNIT_KEYS)))


def _opinions(units: dict[str, int], day: dt.date, special: dict, *, only: list[str] | None = None) -> list[OpinionInput]:
    items = []
    for key in only or UNIT_KEYS:
        opinion, text = special.get(key, (AGREE, DEFAULT_TEXT[key]))
        items.append(OpinionInput(units[key], opinion, text, day))
    return items


def _scores(values) -> dict[str, int]:
    return dict(zip([name for name, _ in reviews.DEFAULT_WEIGHTS], values))


def _project_id(name: str) -> int:
    return Project.get(Project.name == name).id


def _failing_candidate() -> int:
    """A generated project under negotiation: unsigned, 正常 throughout, at 实地考察, industrial."""
    named = set(PASSED) | {"10万吨新型铝合金材料及制品", "陶粒混凝土防火保温板"}
    changed = StatusChange.select(StatusChange.project)
    with_steps_after_4 = StepRecord.select(StepRecord.project).where(StepRecord.step.in_(
        LifecycleStep.select(LifecycleStep.id).where(LifecycleStep.number > 4)))
    query = (Project.select(Project.id, Project.name)
             .where((Project.stage_no == 4) & (Project.status == "正常") & Project.id.not_in(changed)
                    & Project.id.not_in(with_steps_after_4)
                    & Project.industry.in_(["精细化工", "新材料", "机械制造"]))
             .order_by(Project.code))
    for project in query:
        if project.name not in named:
            return project.id
    raise AssertionError("no generated project under negotiation at 实地考察")


def populate_demo() -> None:
    as_of = D(2022, 8, 31)
    settings = reviews.load_settings()
    settings.contact_person, settings.contact_phone = "杨思远", "0598-2321234"
    reviews.save_settings(settings)
    units = _member_unit_ids()
    all_materials = {name: True for name in settings.materials}

    for name, (submitted, opinion_day, confirmed, scores, special) in PASSED.items():
        review_id = reviews.open_review(_project_id(name), submitted, today=as_of)
        reviews.save_form(review_id, opinions=_opinions(units, opinion_day, special), scores=_scores(scores),
                          materials=all_materials, today=as_of)
        reviews.confirm_review(review_id, confirmed, today=as_of)

    # Failed: a low score and the environment bureau against.
    review_id = reviews.open_review(_failing_candidate(), D(2022, 7, 11), today=as_of)
    reviews.save_form(
        review_id,
        opinions=_opinions(units, D(2022, 7, 13), {
            "生态环境局": (AGAINST, "拟选址距饮用水源保护区较近，且排放强度大，不同意在该选址建设"),
            "自然资源局": (CONDITIONAL, "需调整选址")}),
        scores=_scores((55, 40, 45, 50, 100)), materials=all_materials, today=as_of)
    reviews.confirm_review(review_id, D(2022, 7, 15), today=as_of)

    # Waiting for materials, with its one-time notice.
    review_id = reviews.open_review(_project_id("陶粒混凝土防火保温板"), D(2022, 8, 15), today=as_of)
    reviews.save_form(
        review_id,
        opinions=_opinions(units, D(2022, 8, 17), {
            "生态环境局": (CONDITIONAL, "请补充环境影响初步分析，说明陶粒烧制废气治理措施"),
            "工信局": (AGREE, "符合绿色建材产业方向")}),
        scores=_scores((60, 75, 70, 75, 100)),
        materials={name: name not in ("环境影响初步分析", "能耗情况说明") for name in settings.materials},
        today=as_of)
    reviews.confirm_review(review_id, D(2022, 8, 19), today=as_of)

    # Submitted on Monday 29 August: four opinions in, three due by Thursday 1 September.
    review_id = reviews.open_review(_project_id("10万吨新型铝合金材料及制品"), D(2022, 8, 29), today=as_of)
    reviews.save_form(
        review_id,
        opinions=_opinions(units, D(2022, 8, 30), {
            "自然资源局": (CONDITIONAL, "用地约157亩，须纳入年度供地计划并落实耕地占补平衡"),
            "工信局": (AGREE, "延伸铝产业链，与富远铝业形成配套，同意")},
            only=["发改局", "工信局", "自然资源局", "商务局"]),
        scores={"投资规模": 90, "投资强度": 85}, materials=all_materials, today=as_of)
