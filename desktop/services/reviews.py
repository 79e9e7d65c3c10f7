"""即时初审 (instant preliminary review): intake, opinions, scores, compliance, materials, result.

API (plain values in, dataclasses out; every change checks access.require_centre first):

    settings = load_settings()                   ReviewSettings (member units, weights, pass mark, …)
    save_settings(settings)                      store them (creates member units missing as Unit rows)
    review_candidates()                          [ProjectChoice] projects that may be submitted
    review_id = open_review(project_id, submitted_on)     records lifecycle step 5; refuses a signed project
    detail = review_detail(review_id)            ReviewDetail: everything the form and the packs show
    save_form(review_id, opinions=[OpinionInput], scores={criterion: 0–100 | None}, materials={name: bool})
    record_opinion / set_scores / set_materials  the same, piecewise
    result = confirm_review(review_id, confirmed_on)   confirms detail.proposal (通过 records step 6)
    delete_review(review_id)                     only while unconfirmed
    list_reviews(view="all"|"pending"|"overdue"|"done", today)   [ReviewRow] for the queue
    latest_review_for_project(project_id)        ReviewDetail | None (for meeting packs)
    latest_reviews_for_projects(project_ids)     {project_id: ReviewDetail} for many at once
    notice_data(review_id)                       NoticeData for the 一次性告知书 (review_notice.py)
    export_reviews(out_path, rows)               the queue as .xlsx
    today_for_queue()                            today; the demo's last day (2022-08-31) in the demo

ReviewDetail (what a briefing pack needs): project_name/code, investor, industry, content,
total_investment/fixed_asset_investment (万元), land_area (亩), status (审查中/待补充材料/已完成),
submitted_on, deadline, due, days_left, opinions [OpinionRow unit_name, opinion, text, given_on],
scores [ScoreRow criterion, weight, score], score (of 100), pass_mark, compliance [ComplianceHit,
.describe()], intensity (IntensityCheck value/threshold/meets, .describe()), materials
[MaterialRow name, submitted], missing, routing [bodies], proposal (Proposal result, reasons),
result/confirmed_on (once confirmed), notice_on/supply_deadline (补充材料).

The pure rules are functions of their inputs, testable without a database: total_score,
compliance_hits, intensity_check, route, propose.

Proposed result: a compliance hit is a veto → 不通过; a missing material → 补充材料; all scores and
all member units' opinions in, score ≥ pass mark and no 不同意 → 通过; otherwise 不通过. Until the
scores and opinions are complete (and there is neither veto nor missing material) it is 待定 and
cannot be confirmed. Confirming freezes score, weights, result, reasons and routing on the review;
补充材料 keeps it open (status 待补充材料) until it is confirmed again with the materials in.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from peewee import JOIN

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Company, LifecycleStep, Project, StepRecord, Unit
from desktop.models.review import OPINIONS, Review, ReviewMaterial, ReviewOpinion, ReviewScore
from desktop.services import access, lifecycle, workdays
from desktop.services.database import get_setting, set_setting
from desktop.services.money import intensity as compute_intensity

STEP_SUBMITTED, STEP_PASSED = 5, 6
PASS, FAIL, MATERIALS, PENDING = "通过", "不通过", "补充材料", "待定"
OPEN, AWAITING_MATERIALS, DONE = "审查中", "待补充材料", "已完成"
QUEUE_VIEWS = {"all": "全部", "pending": "待办", "overdue": "超期", "done": "已完成"}
STEP_NOTE = "即时初审"
SETTING_KEY = "reviews.settings"
COMPLIANCE_KINDS = ("淘汰类", "限制类", "负面清单")

DEFAULT_MEMBER_UNITS = ["发改局", "工信局", "自然资源局", "生态环境局", "应急管理局", "住建局", "商务局"]
DEFAULT_WEIGHTS = [("投资规模", 25), ("投资强度", 25), ("科技含量", 20), ("发展前景", 20), ("合规性", 10)]
DEFAULT_MATERIALS = ["营业执照", "投资意向书", "项目建议书", "可行性研究报告", "用地需求说明", "环境影响初步分析",
                     "能耗情况说明", "企业资信证明"]
# Retail, logistics, tourism and farming do not use industrial land: no intensity threshold.
DEFAULT_INTENSITY_EXEMPT = ["商贸物流", "森林康养", "文旅服务", "特色农林"]
# (kind, keyword, source). A keyword matches inside the project's industry, chain link, name or content.
DEFAULT_COMPLIANCE = [
    ("淘汰类", "虚拟货币挖矿", "产业结构调整指导目录 淘汰类"),
    ("淘汰类", "黏土实心砖", "产业结构调整指导目录 淘汰类（落后产品）"),
    ("淘汰类", "土法炼焦", "产业结构调整指导目录 淘汰类（落后生产工艺）"),
    ("淘汰类", "一次性发泡塑料餐具", "产业结构调整指导目录 淘汰类（落后产品）"),
    ("限制类", "硫酸法钛白粉", "产业结构调整指导目录 限制类：新建硫酸法钛白粉（联产法工艺除外）"),
    ("限制类", "电石", "产业结构调整指导目录 限制类：新建、改扩建电石"),
    ("限制类", "黄磷", "产业结构调整指导目录 限制类：新建黄磷"),
    ("限制类", "电解铝", "产业结构调整指导目录 限制类：电解铝（产能置换项目除外）"),
    ("负面清单", "水泥熟料", "市场准入负面清单 禁止准入类：不符合产能置换要求的严重过剩产能项目"),
    ("负面清单", "平板玻璃", "市场准入负面清单 禁止准入类：不符合产能置换要求的严重过剩产能项目"),
    ("负面清单", "钢铁冶炼", "市场准入负面清单 禁止准入类：不符合产能置换要求的严重过剩产能项目"),
]
BASE_BODY = "领导小组"
DEFAULT_ROUTING = [(30, "政府常务会"), (100, "县委常委会")]


# ---------------------------------------------------------------------------------------------
# Settings


@dataclass
class ComplianceEntry:
    kind: str  # 淘汰类 / 限制类 / 负面清单
    keyword: str
    source: str = ""


@dataclass
class RoutingLevel:
    above_mu: Decimal  # the body joins when the land is more than this many 亩
    body: str


@dataclass
class ReviewSettings:
    member_units: list[str] = field(default_factory=lambda: list(DEFAULT_MEMBER_UNITS))
    weights: list[tuple[str, Decimal]] = field(default_factory=lambda: [(n, Decimal(w)) for n, w in DEFAULT_WEIGHTS])
    pass_mark: Decimal = Decimal(60)
    intensity_threshold: Decimal = Decimal(300)  # 万元/亩
    intensity_overrides: dict[str, Decimal] = field(default_factory=dict)  # industry → 万元/亩
    intensity_exempt: list[str] = field(default_factory=lambda: list(DEFAULT_INTENSITY_EXEMPT))
    compliance: list[ComplianceEntry] = field(default_factory=lambda: [ComplianceEntry(*e) for e in DEFAULT_COMPLIANCE])
    materials: list[str] = field(default_factory=lambda: list(DEFAULT_MATERIALS))
    base_body: str = BASE_BODY
    routing: list[RoutingLevel] = field(default_factory=lambda: [RoutingLevel(Decimal(a), b) for a, b in DEFAULT_ROUTING])
    deadline_days: int = 3
    deadline_mode: str = "working"
    supply_days: int = 10
    supply_mode: str = "working"
    contact_person: str = ""
    contact_phone: str = ""

    def threshold_for(self, industry: str) -> Decimal | None:
        """万元/亩 for this industry; None when the industry is exempt (not industrial land)."""
        if industry in self.intensity_exempt:
            return None
        return self.intensity_overrides.get(industry, self.intensity_threshold)


def parse_number(value, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise UserError(f"{label}“{value}”不是数字") from None
    if not number.is_finite():
        raise UserError(f"{label}“{value}”不是数字")
    return number


def load_settings() -> ReviewSettings:
    raw = get_setting(SETTING_KEY, "")
    settings = ReviewSettings()
    if not raw:
        return settings
    data = json.loads(raw)
    if "member_units" in data:
        settings.member_units = list(data["member_units"])
    if "weights" in data:
        settings.weights = [(name, Decimal(str(w))) for name, w in data["weights"]]
    for key in ("pass_mark", "intensity_threshold"):
        if key in data:
            setattr(settings, key, Decimal(str(data[key])))
    if "intensity_overrides" in data:
        settings.intensity_overrides = {k: Decimal(str(v)) for k, v in data["intensity_overrides"].items()}
    for key in ("intensity_exempt", "materials"):
        if key in data:
            setattr(settings, key, list(data[key]))
    if "compliance" in data:
        settings.compliance = [ComplianceEntry(**entry) for entry in data["compliance"]]
    if "routing" in data:
        settings.routing = [RoutingLevel(Decimal(str(level["above_mu"])), level["body"]) for level in data["routing"]]
    for key in ("base_body", "deadline_mode", "supply_mode", "contact_person", "contact_phone"):
        if key in data:
            setattr(settings, key, str(data[key]))
    for key in ("deadline_days", "supply_days"):
        if key in data:
            setattr(settings, key, int(data[key]))
    return settings


def validate_settings(settings: ReviewSettings) -> dict[str, str]:
    errors = {}
    units = [name.strip() for name in settings.member_units if name.strip()]
    if not units:
        errors["member_units"] = "至少需要一个成员单位"
    elif len(set(units)) != len(units):
        errors["member_units"] = "成员单位有重复"
    names = [name.strip() for name, _ in settings.weights]
    if not names or any(not name for name in names):
        errors["weights"] = "评分项目的名称不能为空"
    elif len(set(names)) != len(names):
        errors["weights"] = "评分项目有重复"
    elif any(w < 0 for _, w in settings.weights) or sum(w for _, w in settings.weights) <= 0:
        errors["weights"] = "权重不能为负数，合计必须大于 0"
    if not Decimal(0) <= settings.pass_mark <= Decimal(100):
        errors["pass_mark"] = "及格分应在 0–100 之间"
    if settings.intensity_threshold < 0 or any(v < 0 for v in settings.intensity_overrides.values()):
        errors["intensity"] = "投资强度门槛不能为负数"
    for entry in settings.compliance:
        if entry.kind not in COMPLIANCE_KINDS:
            errors["compliance"] = f"合规清单的类别只能是{'、'.join(COMPLIANCE_KINDS)}"
        elif not entry.keyword.strip():
            errors["compliance"] = "合规清单的关键词不能为空"
    materials = [m.strip() for m in settings.materials if m.strip()]
    if len(set(materials)) != len(materials):
        errors["materials"] = "材料清单有重复"
    thresholds = [level.above_mu for level in settings.routing]
    if any(t < 0 for t in thresholds) or thresholds != sorted(thresholds) or len(set(thresholds)) != len(thresholds):
        errors["routing"] = "报送层级的亩数应从小到大、互不相同且不为负数"
    elif any(not level.body.strip() for level in settings.routing) or not settings.base_body.strip():
        errors["routing"] = "报送层级的名称不能为空"
    for key, mode, days in (("deadline", settings.deadline_mode, settings.deadline_days),
                            ("supply", settings.supply_mode, settings.supply_days)):
        if mode not in workdays.MODES:
            errors[key] = "期限只能按工作日或自然日计算"
        elif not 0 <= days <= 365:
            errors[key] = "期限天数应在 0–365 之间"
    return errors


def save_settings(settings: ReviewSettings) -> None:
    access.require_centre()
    errors = validate_settings(settings)
    if errors:
        raise ValidationError(errors)
    data = {
        "member_units": [n.strip() for n in settings.member_units if n.strip()],
        "weights": [[n.strip(), str(w)] for n, w in settings.weights],
        "pass_mark": str(settings.pass_mark),
        "intensity_threshold": str(settings.intensity_threshold),
        "intensity_overrides": {k: str(v) for k, v in settings.intensity_overrides.items()},
        "intensity_exempt": list(settings.intensity_exempt),
        "compliance": [asdict(e) | {"keyword": e.keyword.strip()} for e in settings.compliance],
        "materials": [m.strip() for m in settings.materials if m.strip()],
        "base_body": settings.base_body.strip(),
        "routing": [{"above_mu": str(level.above_mu), "body": level.body.strip()} for level in settings.routing],
        "deadline_days": settings.deadline_days, "deadline_mode": settings.deadline_mode,
        "supply_days": settings.supply_days, "supply_mode": settings.supply_mode,
        "contact_person": settings.contact_person.strip(), "contact_phone": settings.contact_phone.strip(),
    }
    with database.atomic():
        set_setting(SETTING_KEY, json.dumps(data, ensure_ascii=False))
        ensure_member_units(data["member_units"])


def _find_unit_id(name: str) -> int | None:
    """A member unit as configured (发改局) is the county's unit of that name (县发改局)."""
    for candidate in (name, f"县{name}"):
        unit_id = Unit.select(Unit.id).where(Unit.name == candidate).scalar()
        if unit_id is not None:
            return unit_id
    return None


def ensure_member_units(names: list[str]) -> list[int]:
    """The Unit ids of the member units, creating the ones not in the unit list yet."""
    ids = []
    for name in names:
        unit_id = _find_unit_id(name)
        if unit_id is None:
            unit_id = Unit.create(name=name, kind="部门", sort_order=900).id
        ids.append(unit_id)
    return ids


# ---------------------------------------------------------------------------------------------
# The rules (pure).


@dataclass(frozen=True)
class ComplianceHit:
    kind: str
    keyword: str
    source: str
    found_in: str  # 项目名称 / 所属产业 / 产业链环节 / 建设内容

    def describe(self) -> str:
        return f"{self.kind}“{self.keyword}”（{self.found_in}；{self.source}）" if self.source else f"{self.kind}“{self.keyword}”（{self.found_in}）"


def _normal(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).lower()


def compliance_hits(texts: dict[str, str], entries: list[ComplianceEntry]) -> list[ComplianceHit]:
    """Each entry whose keyword occurs in one of `texts` (label → text), in list order."""
    hits = []
    for entry in entries:
        keyword = _normal(entry.keyword)
        if not keyword:
            continue
        for label, text in texts.items():
            if keyword in _normal(text):
                hits.append(ComplianceHit(entry.kind, entry.keyword.strip(), entry.source, label))
                break
    return hits


@dataclass(frozen=True)
class IntensityCheck:
    value: Decimal | None  # 万元/亩
    threshold: Decimal | None  # None: not applied (non-industrial land)
    industry: str

    @property
    def applies(self) -> bool:
        return self.threshold is not None

    @property
    def meets(self) -> bool | None:
        """True/False against the threshold; None when not applied or not computable."""
        if self.threshold is None or self.value is None:
            return None
        return self.value >= self.threshold

    def describe(self) -> str:
        value = f"{self.value} 万元/亩" if self.value is not None else "无法计算（缺固定资产投资或用地面积）"
        if self.threshold is None:
            return f"{value}；不适用门槛（{self.industry or '该产业'}不属工业用地）"
        if self.value is None:
            return f"{value}；门槛 {self.threshold} 万元/亩"
        verdict = "达到" if self.meets else "低于"
        return f"{value}，{verdict}门槛 {self.threshold} 万元/亩"


def intensity_check(fixed_asset_wan: Decimal | None, land_mu: Decimal | None, industry: str,
                    settings: ReviewSettings) -> IntensityCheck:
    return IntensityCheck(compute_intensity(fixed_asset_wan, land_mu), settings.threshold_for(industry or ""), industry or "")


def total_score(scores: dict[str, Decimal | None], weights: list[tuple[str, Decimal]]) -> Decimal | None:
    """Σ weight × score / Σ weight, each score 0–100, so the total is out of 100 whatever the weights
    add up to; None until every weighted criterion is scored."""
    weight_sum = sum((Decimal(w) for _, w in weights), Decimal(0))
    if weight_sum <= 0:
        return None
    total = Decimal(0)
    for name, weight in weights:
        score = scores.get(name)
        if score is None:
            return None
        total += Decimal(weight) * Decimal(score)
    return (total / weight_sum).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def route(land_mu: Decimal | None, settings: ReviewSettings) -> list[str]:
    """Who decides, by land: the leading group always, and each body whose threshold the land exceeds."""
    bodies = [settings.base_body]
    if land_mu is not None:
        bodies += [level.body for level in settings.routing if Decimal(land_mu) > level.above_mu]
    return bodies


@dataclass(frozen=True)
class Proposal:
    result: str  # 通过 / 不通过 / 补充材料 / 待定
    reasons: tuple[str, ...]

    @property
    def decided(self) -> bool:
        return self.result != PENDING


def propose(*, hits: list[ComplianceHit], missing: list[str], score: Decimal | None, pass_mark: Decimal,
            opinions: dict[str, str], member_units: list[str]) -> Proposal:
    """The proposed result from the compliance hits, the missing materials, the score and the opinions
    (unit name → 同意/有条件同意/不同意; units without an opinion are absent)."""
    if hits:
        return Proposal(FAIL, tuple(f"合规性否决：{hit.describe()}" for hit in hits))
    if missing:
        return Proposal(MATERIALS, (f"缺少材料：{'、'.join(missing)}",))
    waiting = [name for name in member_units if name not in opinions]
    pending = []
    if score is None:
        pending.append("评分尚未完成")
    if waiting:
        pending.append(f"尚未反馈意见：{'、'.join(waiting)}")
    if pending:
        return Proposal(PENDING, tuple(pending))
    against = [name for name, opinion in opinions.items() if opinion == "不同意"]
    reasons = []
    if score < pass_mark:
        reasons.append(f"评分 {score} 分，低于及格分 {pass_mark} 分")
    if against:
        reasons.append(f"不同意：{'、'.join(against)}")
    if reasons:
        return Proposal(FAIL, tuple(reasons))
    conditional = [name for name, opinion in opinions.items() if opinion == "有条件同意"]
    reasons = [f"评分 {score} 分，达到及格分 {pass_mark} 分，无不同意意见"]
    if conditional:
        reasons.append(f"有条件同意：{'、'.join(conditional)}")
    return Proposal(PASS, tuple(reasons))


# ---------------------------------------------------------------------------------------------
# Intake


@dataclass(frozen=True)
class ProjectChoice:
    id: int
    code: str
    name: str
    investor: str
    stage_no: int


def _signed(project_id: int) -> bool:
    return (
        StepRecord.select()
        .join(LifecycleStep)
        .where((StepRecord.project == project_id) & (LifecycleStep.number == 9) & (StepRecord.not_applicable == False))  # noqa: E712
        .exists()
    )


def _open_review_id(project_id: int) -> int | None:
    return Review.select(Review.id).where((Review.project == project_id) & (Review.status != DONE)).scalar()


def review_candidates() -> list[ProjectChoice]:
    """Projects that may be submitted: not signed, not 终止, without an open review; by code."""
    signed = (StepRecord.select(StepRecord.project).join(LifecycleStep)
              .where((LifecycleStep.number == 9) & (StepRecord.not_applicable == False)))  # noqa: E712
    open_reviews = Review.select(Review.project).where(Review.status != DONE)
    query = (
        Project.select(Project.id, Project.code, Project.name, Company.name.alias("investor_name"), Project.stage_no)
        .join(Company, JOIN.LEFT_OUTER, on=(Project.investor == Company.id))
        .where(Project.id.not_in(signed) & Project.id.not_in(open_reviews) & (Project.status != "终止"))
        .order_by(Project.code)
        .dicts()
    )
    return [ProjectChoice(r["id"], r["code"], r["name"], r["investor_name"] or "", r["stage_no"]) for r in query]


def open_review(project_id: int, submitted_on: dt.date | None = None, *, today: dt.date | None = None) -> int:
    """Submit a project to 即时初审 on `submitted_on` (default today): records lifecycle step 5."""
    access.require_centre()
    today = today or dt.date.today()
    submitted_on = submitted_on or today
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    if submitted_on > today:
        raise UserError(f"提交初审的日期 {submitted_on.isoformat()} 晚于今天")
    if _signed(project_id):
        raise UserError(f"项目“{project.name}”已签订正式协议，不再进行即时初审")
    if project.status == "终止":
        raise UserError(f"项目“{project.name}”已终止，不能提交初审")
    if _open_review_id(project_id) is not None:
        raise UserError(f"项目“{project.name}”已有进行中的初审，请在队列中打开它")
    settings = load_settings()
    due = workdays.deadline(submitted_on, settings.deadline_days, settings.deadline_mode)
    with database.atomic():
        review = Review.create(project=project_id, submitted_on=submitted_on, deadline=due,
                               deadline_days=settings.deadline_days, deadline_mode=settings.deadline_mode)
        for order, name in enumerate(settings.materials):
            ReviewMaterial.create(review=review.id, name=name, submitted=False, sort_order=order)
        ensure_member_units(settings.member_units)
        lifecycle.record_step(project_id, STEP_SUBMITTED, submitted_on, note=STEP_NOTE, today=today)
    return review.id


def delete_review(review_id: int) -> None:
    """Remove an unconfirmed review (and the step 5 it recorded, if no other review needs it)."""
    access.require_centre()
    review = _review(review_id)
    if review.confirmed_on is not None:
        raise UserError("已确认的初审不能删除")
    with database.atomic():
        project_id = review.project_id
        review.delete_instance(recursive=True)
        others = Review.select().where(Review.project == project_id).exists()
        if not others:
            record = (StepRecord.select().join(LifecycleStep)
                      .where((StepRecord.project == project_id) & (LifecycleStep.number == STEP_SUBMITTED)).first())
            if record is not None and record.note == STEP_NOTE:
                lifecycle.undo_step(project_id, STEP_SUBMITTED)


def _review(review_id: int) -> Review:
    review = Review.get_or_none(Review.id == review_id)
    if review is None:
        raise NotFoundError(f"没有编号为 {review_id} 的初审")
    return review


def _editable(review_id: int) -> Review:
    review = _review(review_id)
    if review.status == DONE:
        raise UserError(f"这次初审已确认为“{review.result}”，不能再修改")
    return review


# ---------------------------------------------------------------------------------------------
# Opinions, scores, materials


@dataclass(frozen=True)
class OpinionInput:
    unit_id: int
    opinion: str  # 同意 / 有条件同意 / 不同意, or "" to clear
    text: str = ""
    given_on: dt.date | None = None


def _check_score(criterion: str, score) -> Decimal | None:
    if score is None or (isinstance(score, str) and not score.strip()):
        return None
    number = parse_number(score, f"“{criterion}”的得分")
    if not Decimal(0) <= number <= Decimal(100):
        raise ValidationError({criterion: f"“{criterion}”的得分应在 0–100 之间"})
    return number


def _write_opinion(review: Review, item: OpinionInput, today: dt.date) -> None:
    if not Unit.select().where(Unit.id == item.unit_id).exists():
        raise NotFoundError("成员单位不存在")
    if not item.opinion:
        ReviewOpinion.delete().where((ReviewOpinion.review == review.id) & (ReviewOpinion.unit == item.unit_id)).execute()
        return
    if item.opinion not in OPINIONS:
        raise ValidationError({"opinion": f"意见只能是{'、'.join(OPINIONS)}"})
    given_on = item.given_on or today
    submitted = _date(review.submitted_on)
    if given_on < submitted:
        raise ValidationError({"given_on": f"意见日期 {given_on.isoformat()} 早于提交初审的日期 {submitted.isoformat()}"})
    if given_on > today:
        raise ValidationError({"given_on": f"意见日期 {given_on.isoformat()} 晚于今天"})
    row = ReviewOpinion.get_or_none(review=review.id, unit=item.unit_id) or ReviewOpinion(review=review.id, unit=item.unit_id)
    row.opinion, row.text, row.given_on = item.opinion, (item.text or "").strip(), given_on
    row.save()


def _write_scores(review: Review, scores: dict) -> None:
    for criterion, score in scores.items():
        number = _check_score(criterion, score)
        if number is None:
            ReviewScore.delete().where((ReviewScore.review == review.id) & (ReviewScore.criterion == criterion)).execute()
            continue
        row = ReviewScore.get_or_none(review=review.id, criterion=criterion) or ReviewScore(review=review.id, criterion=criterion)
        row.score = number
        row.save()


def _write_materials(review: Review, materials: dict[str, bool]) -> None:
    order = (ReviewMaterial.select(ReviewMaterial.sort_order).where(ReviewMaterial.review == review.id)
             .order_by(ReviewMaterial.sort_order.desc()).scalar() or 0)
    for name, submitted in materials.items():
        row = ReviewMaterial.get_or_none(review=review.id, name=name)
        if row is None:
            order += 1
            row = ReviewMaterial(review=review.id, name=name, sort_order=order)
        row.submitted = bool(submitted)
        row.save()


def record_opinion(review_id: int, unit_id: int, opinion: str, text: str = "", given_on: dt.date | None = None,
                   *, today: dt.date | None = None) -> None:
    access.require_centre()
    review = _editable(review_id)
    with database.atomic():
        _write_opinion(review, OpinionInput(unit_id, opinion, text, given_on), today or dt.date.today())


def set_scores(review_id: int, scores: dict[str, Decimal | int | str | None]) -> None:
    """Criterion → score 0–100 (None or "" clears it)."""
    access.require_centre()
    review = _editable(review_id)
    with database.atomic():
        _write_scores(review, scores)


def set_materials(review_id: int, materials: dict[str, bool]) -> None:
    """Material name → submitted (已提交 True, 缺 False)."""
    access.require_centre()
    review = _editable(review_id)
    with database.atomic():
        _write_materials(review, materials)


def save_form(review_id: int, *, opinions: list[OpinionInput] = (), scores: dict | None = None,
              materials: dict[str, bool] | None = None, today: dt.date | None = None) -> None:
    """Everything the review form edits, in one transaction."""
    access.require_centre()
    review = _editable(review_id)
    today = today or dt.date.today()
    with database.atomic():
        for item in opinions:
            _write_opinion(review, item, today)
        _write_scores(review, scores or {})
        _write_materials(review, materials or {})


# ---------------------------------------------------------------------------------------------
# The whole review, computed


@dataclass(frozen=True)
class OpinionRow:
    unit_id: int
    unit_name: str
    opinion: str  # "" when not given yet
    text: str
    given_on: dt.date | None


@dataclass(frozen=True)
class ScoreRow:
    criterion: str
    weight: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class MaterialRow:
    name: str
    submitted: bool


@dataclass(frozen=True)
class ReviewDetail:
    id: int
    project_id: int
    project_code: str
    project_name: str
    investor: str
    industry: str
    content: str
    total_investment: Decimal | None  # 万元
    fixed_asset_investment: Decimal | None
    land_area: Decimal | None  # 亩
    status: str  # 审查中 / 待补充材料 / 已完成
    submitted_on: dt.date
    deadline: dt.date  # opinions due
    deadline_mode: str
    due: dt.date  # what is due now: the opinions, or the materials while 待补充材料
    days_left: int | None  # None once done
    opinions: list[OpinionRow]
    scores: list[ScoreRow]
    score: Decimal | None
    pass_mark: Decimal
    compliance: list[ComplianceHit]
    intensity: IntensityCheck
    materials: list[MaterialRow]
    routing: list[str]
    proposal: Proposal
    result: str  # confirmed result ("" before)
    confirmed_on: dt.date | None
    notice_on: dt.date | None
    supply_deadline: dt.date | None

    @property
    def missing(self) -> list[str]:
        return [m.name for m in self.materials if not m.submitted]

    @property
    def editable(self) -> bool:
        return self.status != DONE

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def today_for_queue() -> dt.date:
    """Today, except in the demo database, whose data stop at the end of August 2022."""
    from desktop.services.database import is_demo

    if is_demo():
        from desktop.services.demo import DEMO_AS_OF

        return DEMO_AS_OF
    return dt.date.today()


def review_detail(review_id: int, *, today: dt.date | None = None, settings: ReviewSettings | None = None,
                  calendar: workdays.WorkCalendar | None = None) -> ReviewDetail:
    review = _review(review_id)
    settings = settings or load_settings()
    today = today or today_for_queue()
    project = Project.get_by_id(review.project_id)
    investor = Company.get_or_none(Company.id == project.investor_id)
    done = review.status == DONE

    # Opinions: the member units of the settings, then any other unit that gave one.
    given = {row.unit_id: row for row in ReviewOpinion.select().where(ReviewOpinion.review == review.id)}
    unit_names = {uid: name for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    opinion_units = []
    member_names = {}
    for name in settings.member_units:
        unit_id = _find_unit_id(name)
        if unit_id is not None and unit_id not in opinion_units:
            opinion_units.append(unit_id)
            member_names[unit_id] = name
    opinion_units += [uid for uid in given if uid not in opinion_units]
    if done:
        opinion_units = [uid for uid in opinion_units if uid in given]
    opinions = [
        OpinionRow(uid, unit_names.get(uid, ""), given[uid].opinion if uid in given else "",
                   given[uid].text if uid in given else "", _date(given[uid].given_on) if uid in given else None)
        for uid in opinion_units
    ]

    stored_scores = {row.criterion: row for row in ReviewScore.select().where(ReviewScore.review == review.id)}
    if done and any(row.weight is not None for row in stored_scores.values()):
        weights = [(name, row.weight) for name, row in stored_scores.items() if row.weight is not None]
    else:
        weights = list(settings.weights)
    scores = [ScoreRow(name, Decimal(w), stored_scores[name].score if name in stored_scores else None) for name, w in weights]
    score = total_score({row.criterion: row.score for row in scores}, weights)

    texts = {"项目名称": project.name, "所属产业": project.industry, "产业链环节": project.chain_link, "建设内容": project.content}
    hits = compliance_hits(texts, settings.compliance)
    check = intensity_check(project.fixed_asset_investment, project.land_area, project.industry, settings)

    material_rows = {row.name: row for row in ReviewMaterial.select().where(ReviewMaterial.review == review.id).order_by(ReviewMaterial.sort_order)}
    materials = [MaterialRow(name, bool(row.submitted)) for name, row in material_rows.items()]
    if not done:
        materials += [MaterialRow(name, False) for name in settings.materials if name not in material_rows]

    routing = route(project.land_area, settings)
    opinion_by_name = {member_names.get(uid, unit_names.get(uid, "")): given[uid].opinion for uid in given}
    member_list = [member_names[uid] for uid in opinion_units if uid in member_names]
    proposal = propose(hits=hits, missing=[m.name for m in materials if not m.submitted], score=score,
                       pass_mark=settings.pass_mark, opinions=opinion_by_name, member_units=member_list)
    if done:
        score = review.score if review.score is not None else score
        proposal = Proposal(review.result, tuple(line for line in review.reasons.splitlines() if line))
        routing = [part for part in review.routing.split("、") if part] or routing

    if review.status == AWAITING_MATERIALS and review.supply_deadline:
        due = _date(review.supply_deadline)
    else:
        due = _date(review.deadline)
    left = None if done else workdays.days_left(due, today, review.deadline_mode, calendar=calendar)
    return ReviewDetail(
        id=review.id, project_id=project.id, project_code=project.code, project_name=project.name,
        investor=investor.name if investor else "", industry=project.industry, content=project.content,
        total_investment=project.total_investment, fixed_asset_investment=project.fixed_asset_investment,
        land_area=project.land_area, status=review.status, submitted_on=_date(review.submitted_on),
        deadline=_date(review.deadline), deadline_mode=review.deadline_mode, due=due, days_left=left,
        opinions=opinions, scores=scores, score=score, pass_mark=settings.pass_mark, compliance=hits,
        intensity=check, materials=materials, routing=routing, proposal=proposal, result=review.result,
        confirmed_on=_date(review.confirmed_on) if review.confirmed_on else None,
        notice_on=_date(review.notice_on) if review.notice_on else None,
        supply_deadline=_date(review.supply_deadline) if review.supply_deadline else None,
    )


def latest_review_for_project(project_id: int, *, today: dt.date | None = None) -> ReviewDetail | None:
    """The project's latest review (by submission date), or None."""
    return latest_reviews_for_projects([project_id], today=today).get(project_id)


def latest_reviews_for_projects(project_ids, *, today: dt.date | None = None) -> dict[int, ReviewDetail]:
    """Project id → its latest review, for the projects that have one (one settings and calendar load)."""
    ids = list(project_ids)
    if not ids:
        return {}
    latest: dict[int, int] = {}
    query = (Review.select(Review.project, Review.id).where(Review.project.in_(ids))
             .order_by(Review.submitted_on, Review.id).tuples())
    for project_id, review_id in query:
        latest[project_id] = review_id  # ascending: the last one wins
    settings, calendar = load_settings(), workdays.load_calendar()
    return {pid: review_detail(rid, today=today, settings=settings, calendar=calendar) for pid, rid in latest.items()}


def confirm_review(review_id: int, confirmed_on: dt.date | None = None, *, today: dt.date | None = None) -> str:
    """The centre confirms the proposed result; returns it. 通过 records lifecycle step 6;
    补充材料 dates the 一次性告知书 and the deadline to supply, and keeps the review open."""
    access.require_centre()
    today = today or dt.date.today()
    confirmed_on = confirmed_on or today
    review = _editable(review_id)
    settings = load_settings()
    detail = review_detail(review_id, today=today, settings=settings)
    if confirmed_on > today:
        raise UserError(f"确认日期 {confirmed_on.isoformat()} 晚于今天")
    if confirmed_on < detail.submitted_on:
        raise UserError(f"确认日期 {confirmed_on.isoformat()} 早于提交初审的日期 {detail.submitted_on.isoformat()}")
    proposal = detail.proposal
    if not proposal.decided:
        raise UserError("还不能确认：" + "；".join(proposal.reasons))
    with database.atomic():
        for row in detail.scores:
            ReviewScore.update(weight=row.weight).where(
                (ReviewScore.review == review.id) & (ReviewScore.criterion == row.criterion)).execute()
        _write_materials(review, {m.name: m.submitted for m in detail.materials})
        review.result = proposal.result
        review.confirmed_on = confirmed_on
        review.score = detail.score
        review.reasons = "\n".join(proposal.reasons)
        review.routing = "、".join(detail.routing)
        if proposal.result == MATERIALS:
            review.status = AWAITING_MATERIALS
            review.notice_on = confirmed_on
            review.supply_deadline = workdays.deadline(confirmed_on, settings.supply_days, settings.supply_mode)
        else:
            review.status = DONE
        review.save()
        if proposal.result == PASS:
            lifecycle.record_step(detail.project_id, STEP_PASSED, confirmed_on, note=STEP_NOTE, today=today)
    return proposal.result


# ---------------------------------------------------------------------------------------------
# The queue


@dataclass(frozen=True)
class ReviewRow:
    id: int
    project_id: int
    project_code: str
    project_name: str
    submitted_on: dt.date
    due: dt.date
    days_left: int | None  # None once done
    score: Decimal | None
    proposed: str  # the confirmed result once confirmed, else the proposal
    status: str

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_left_text(self) -> str:
        return "" if self.days_left is None else workdays.describe_days_left(self.days_left)


def list_reviews(view: str = "all", *, today: dt.date | None = None) -> list[ReviewRow]:
    """The queue: open reviews first by what is due, then the finished ones, latest first."""
    if view not in QUEUE_VIEWS:
        raise UserError(f"没有“{view}”这种筛选（可选：{'、'.join(QUEUE_VIEWS)}）")
    today = today or today_for_queue()
    settings = load_settings()
    calendar = workdays.load_calendar()
    query = Review.select(Review.id)
    if view == "done":
        query = query.where(Review.status == DONE)
    elif view in ("pending", "overdue"):
        query = query.where(Review.status != DONE)
    rows = []
    for (review_id,) in query.tuples():
        d = review_detail(review_id, today=today, settings=settings, calendar=calendar)
        row = ReviewRow(d.id, d.project_id, d.project_code, d.project_name, d.submitted_on, d.due, d.days_left,
                        d.score, d.result if d.status == DONE else d.proposal.result, d.status)
        if view == "overdue" and not row.overdue:
            continue
        rows.append(row)
    open_rows = sorted((r for r in rows if r.status != DONE), key=lambda r: (r.due, r.id))
    done_rows = sorted((r for r in rows if r.status == DONE), key=lambda r: (r.submitted_on, r.id), reverse=True)
    return open_rows + done_rows


QUEUE_HEADERS = ["项目编号", "项目名称", "提交日期", "期限", "剩余", "评分", "建议结果", "状态"]


def queue_cells(row: ReviewRow) -> list[str]:
    return [row.project_code, row.project_name, row.submitted_on.isoformat(), row.due.isoformat(), row.days_left_text,
            "" if row.score is None else f"{row.score:.2f}", row.proposed, row.status]


def export_reviews(out_path, rows: list[ReviewRow]) -> int:
    from desktop.services.excel_export import export_table

    return export_table(out_path, QUEUE_HEADERS, [queue_cells(r) for r in rows], title="即时初审")


# ---------------------------------------------------------------------------------------------
# The 一次性告知书


@dataclass(frozen=True)
class NoticeData:
    review_id: int
    project_code: str
    project_name: str
    investor: str
    missing: list[str]
    notice_on: dt.date
    supply_deadline: dt.date
    supply_days: int
    supply_mode: str
    contact_person: str
    contact_phone: str
    issuer: str  # the centre's name, above the seal


def notice_data(review_id: int, *, today: dt.date | None = None) -> NoticeData:
    """What the notice says: the stored notice date and deadline once confirmed, else as of today."""
    from desktop.services.database import installation_name

    detail = review_detail(review_id, today=today)
    missing = detail.missing
    if not missing:
        raise UserError(f"初审（编号 {review_id}，{detail.project_name}）没有缺少的材料，不需要一次性告知书")
    settings = load_settings()
    notice_on = detail.notice_on or today or dt.date.today()
    supply = detail.supply_deadline or workdays.deadline(notice_on, settings.supply_days, settings.supply_mode)
    issuer = installation_name().replace("（演示数据）", "")
    return NoticeData(review_id, detail.project_code, detail.project_name, detail.investor, missing, notice_on, supply,
                      settings.supply_days, settings.supply_mode, settings.contact_person, settings.contact_phone, issuer)


def _date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
