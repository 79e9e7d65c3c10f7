"""The project one-pager（项目简表）: one A4 page per project — the basic table, stage, milestones,
status, the meetings it was on, contacts masked.

`project_facts` and `facts_table` are also what the briefing pack prints for each agenda item.
Teams (专班) and reviews (即时初审) are separate features: they are used when installed.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak, Table, TableStyle

from desktop.errors import NotFoundError, UserError
from desktop.models import Company, Person, Project, Unit
from desktop.services import lifecycle, pdf
from desktop.services.dates import format_date, format_date_long
from desktop.services.money import format_yi, intensity

# Used when the review feature is not installed: the defaults it ships with.
FALLBACK_THRESHOLD = Decimal(300)  # 万元/亩
FALLBACK_EXEMPT = ("商贸物流", "森林康养", "文旅服务", "特色农林")
FALLBACK_ROUTING = ((Decimal(30), "政府常务会"), (Decimal(100), "县委常委会"))
BASE_BODY = "领导小组"


def optional_service(name: str):
    """desktop.services.<name> when that feature is installed, else None."""
    try:
        return importlib.import_module(f"desktop.services.{name}")
    except ImportError:
        return None


@dataclass(frozen=True)
class ProblemLine:
    text: str
    owner: str
    raised_on: dt.date | None
    due_on: dt.date | None


@dataclass
class ProjectFacts:
    id: int
    code: str
    name: str
    investor: str
    industry: str
    chain_link: str
    total: Decimal | None  # 万元
    fixed_asset: Decimal | None
    land: Decimal | None  # 亩
    intensity_text: str
    content: str
    responsible_unit: str
    township: str
    first_unit: str
    leader: str  # 挂钩领导 = 专班组长, with the title
    team_text: str  # "" when teams are not installed
    stage_no: int
    stage_text: str
    status: str
    status_since: dt.date | None
    milestones: list[tuple[str, dt.date | None]]
    contact: str
    progress_text: str
    signing_mode: str
    is_key: bool
    signed_amount: Decimal | None
    arrived_funds: Decimal | None
    routing: list[str]
    open_problems: list[ProblemLine] | None  # None: teams not installed or no team
    meetings: list = field(default_factory=list)  # meetings.MeetingOfProject

    intensity_value: Decimal | None = None  # 万元/亩
    intensity_threshold: Decimal | None = None  # None: not applied (not industrial land)

    @property
    def routing_text(self) -> str:
        return "、".join(self.routing)

    @property
    def intensity_short(self) -> str:
        """For narrow columns: 303.30（达标）, 255.00（低于300）, 615.00（不适用）."""
        if self.intensity_value is None:
            return "—"
        if self.intensity_threshold is None:
            return f"{self.intensity_value}（不适用）"
        if self.intensity_value >= self.intensity_threshold:
            return f"{self.intensity_value}（达标）"
        return f"{self.intensity_value}（低于{self.intensity_threshold.normalize():f}）"


def _review_settings():
    reviews = optional_service("reviews")
    return reviews.load_settings() if reviews is not None else None


def intensity_text(fixed_asset, land, industry: str, settings=None) -> str:
    """投资强度 against the threshold, as the review feature judges it (its defaults otherwise)."""
    reviews = optional_service("reviews")
    if reviews is not None:
        settings = settings or reviews.load_settings()
        return reviews.intensity_check(fixed_asset, land, industry, settings).describe()
    value = intensity(fixed_asset, land)
    shown = f"{value} 万元/亩" if value is not None else "无法计算（缺固定资产投资或用地面积）"
    if industry in FALLBACK_EXEMPT:
        return f"{shown}；不适用门槛（{industry}不属工业用地）"
    if value is None:
        return f"{shown}；门槛 {FALLBACK_THRESHOLD} 万元/亩"
    return f"{shown}，{'达到' if value >= FALLBACK_THRESHOLD else '低于'}门槛 {FALLBACK_THRESHOLD} 万元/亩"


def intensity_threshold(industry: str, settings=None) -> Decimal | None:
    reviews = optional_service("reviews")
    if reviews is not None:
        return (settings or reviews.load_settings()).threshold_for(industry or "")
    return None if industry in FALLBACK_EXEMPT else FALLBACK_THRESHOLD


def routing_for(land, settings=None) -> list[str]:
    """Who decides, by land area: 领导小组, plus 政府常务会 over 30 亩, plus 县委常委会 over 100 亩."""
    reviews = optional_service("reviews")
    if reviews is not None:
        return reviews.route(land, settings or reviews.load_settings())
    bodies = [BASE_BODY]
    if land is not None:
        bodies += [body for above, body in FALLBACK_ROUTING if Decimal(land) > above]
    return bodies


def _team_facts(project_id: int) -> tuple[str, list[ProblemLine] | None]:
    teams = optional_service("teams")
    if teams is None:
        return "", None
    detail = teams.team_detail(project_id)
    if detail.team_id is None:
        return "未成立专班", None
    people = len(detail.members) + (1 if detail.deputy_id else 0)
    problems = [
        ProblemLine(p.text, p.owner_unit_name, p.raised_on, p.due_on) for p in detail.problems if not p.closed
    ]
    return f"任专班组长，专班另有 {people} 人", problems


def project_facts(project_id: int, *, settings=None, summary: lifecycle.StepsSummary | None = None) -> ProjectFacts:
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    summary = summary or lifecycle.steps_summary()
    units = {uid: name for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    investor = Company.select(Company.name).where(Company.id == project.investor_id).scalar() if project.investor_id else ""
    leader = ""
    if project.leader_id:
        person = Person.get_or_none(Person.id == project.leader_id)
        if person is not None:
            leader = f"{person.name}（{person.title}）" if person.title else person.name
    stage = project.stage_no or 0
    stage_text = summary.labels.get(stage, "")
    if stage:
        stage_text = f"{stage_text}（第 {stage} 步 {summary.names.get(stage, '')}）"
    from desktop.services.projects import latest_status_change

    change = latest_status_change(project.id)
    settings = settings if settings is not None else _review_settings()
    team_text, problems = _team_facts(project.id)
    meetings = optional_service("meetings")
    return ProjectFacts(
        id=project.id, code=project.code, name=project.name, investor=investor or "", industry=project.industry,
        chain_link=project.chain_link, total=project.total_investment, fixed_asset=project.fixed_asset_investment,
        land=project.land_area, intensity_text=intensity_text(project.fixed_asset_investment, project.land_area,
                                                              project.industry, settings),
        content=project.content, responsible_unit=units.get(project.responsible_unit_id, ""),
        township=units.get(project.township_id, ""), first_unit=units.get(project.first_unit_id, ""), leader=leader,
        team_text=team_text, stage_no=stage, stage_text=stage_text, status=project.status,
        status_since=_date(change.changed_on) if change is not None else None,
        milestones=[(label, _date(getattr(project, attr))) for label, attr in
                    (("签约", "signed_on"), ("入库", "library_on"), ("开工", "started_on"), ("投产", "operating_on"))],
        contact=project.contact, progress_text=project.progress_text, signing_mode=project.signing_mode,
        is_key=bool(project.is_key), signed_amount=project.signed_amount, arrived_funds=project.arrived_funds,
        routing=routing_for(project.land_area, settings), open_problems=problems,
        meetings=meetings.meetings_of_project(project.id) if meetings is not None else [],
        intensity_value=intensity(project.fixed_asset_investment, project.land_area),
        intensity_threshold=intensity_threshold(project.industry, settings),
    )


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- paper -----------------------------------------------------------------------------------------

LABEL_WIDTH = 26 * mm


def privacy(full_contacts: bool) -> Callable[[object], str]:
    """The text filter of a document: phone numbers masked unless full contacts were asked for."""
    if full_contacts:
        return lambda text: "" if text is None else str(text)
    return pdf.mask_phone


def amount_text(wan) -> str:
    return f"{format_yi(wan)} 亿元" if wan is not None else "—"


def land_text(land) -> str:
    if land is None:
        return "—"
    value = Decimal(land)
    return f"{value.normalize():f} 亩" if value != value.to_integral_value() else f"{value:.0f} 亩"


CELL_PADDING = 8  # left + right padding of a key/value cell


def _cell(text: str, style: str, width: float):
    """Plain text when it is one short line the cell's font can set by itself (most labels and
    many values: no wrapping, no Latin fallback needed) — far cheaper to lay out, three passes
    over 200 sections — otherwise a Chinese paragraph."""
    font = pdf.styles()[style].fontName
    runs = pdf.font_runs(text, font)
    plain = (
        len(runs) == 1 and runs[0][1] == font and "\n" not in text
        and pdf.text_width(text, font, 9) <= width - CELL_PADDING - 1
    )
    return text if plain else pdf.paragraph(text, style)


def key_value_table(rows: list[tuple], width: float, show: Callable[[object], str]) -> Table:
    """A grid of label/value pairs: each row is (label, value) over the full width or
    (label, value, label, value) in two halves."""
    value_width = (width - 2 * LABEL_WIDTH) / 2
    data, commands = [], []
    for r, row in enumerate(rows):
        cells = []
        for i in range(0, len(row), 2):
            value = show(row[i + 1]) if row[i + 1] not in (None, "") else "—"
            cells.append(_cell(row[i], "cell_bold", LABEL_WIDTH))
            cells.append(_cell(value, "cell", value_width if len(row) == 4 else width - LABEL_WIDTH))
        if len(row) == 2:
            cells += ["", ""]
            commands.append(("SPAN", (1, r), (3, r)))
        else:
            commands.append(("BACKGROUND", (2, r), (2, r), pdf.HEADER_FILL))
        data.append(cells)
    table = Table(data, colWidths=[LABEL_WIDTH, value_width, LABEL_WIDTH, value_width], hAlign="CENTER")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), pdf.font_name("sans"), 9),
        ("FONT", (0, 0), (0, -1), pdf.font_name("hei"), 9),
        ("FONT", (2, 0), (2, -1), pdf.font_name("hei"), 9),
        ("ALIGN", (0, 0), (0, -1), "CENTER"),
        ("ALIGN", (2, 0), (2, -1), "CENTER"),
        ("GRID", (0, 0), (-1, -1), 0.4, pdf.GRID_COLOR),
        ("BACKGROUND", (0, 0), (0, -1), pdf.HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *commands,
    ]))
    return table


def industry_text(facts: ProjectFacts) -> str:
    return f"{facts.industry}／{facts.chain_link}" if facts.chain_link else facts.industry


def status_text(facts: ProjectFacts) -> str:
    if facts.status_since is not None:
        return f"{facts.status}（{format_date(facts.status_since)} 起）"
    return facts.status


def leader_text(facts: ProjectFacts) -> str:
    text = facts.leader or "未定"
    return f"{text}；{facts.team_text}" if facts.team_text else text


def basic_rows(facts: ProjectFacts) -> list[tuple]:
    """The basic table of a project as the pack and the one-pager print it."""
    return [
        ("项目编号", facts.code, "项目状态", status_text(facts)),
        ("投资方", facts.investor),
        ("所属产业", industry_text(facts), "当前阶段", facts.stage_text or "未开始"),
        ("总投资", amount_text(facts.total), "固定资产投资", amount_text(facts.fixed_asset)),
        ("用地面积", land_text(facts.land), "投资强度", facts.intensity_text),
        ("建设内容", facts.content),
        ("责任单位", facts.responsible_unit, "所在乡镇", facts.township),
        ("挂钩领导", leader_text(facts), "联系人", facts.contact),
    ]


def facts_table(facts: ProjectFacts, width: float, show: Callable[[object], str]) -> Table:
    return key_value_table(basic_rows(facts), width, show)


def one_pager_story(facts: ProjectFacts, show: Callable[[object], str]) -> list:
    width = pdf.frame_width()
    milestones = "；".join(f"{label} {format_date(day) if day else '—'}" for label, day in facts.milestones)
    extra = [
        ("首报单位", facts.first_unit, "重点项目", "是" if facts.is_key else "否"),
        ("签约方式", facts.signing_mode or "—", "签约额", amount_text(facts.signed_amount)),
        ("到位资金", amount_text(facts.arrived_funds), "决策路径", facts.routing_text),
        ("节点", milestones),
        ("形象进度", facts.progress_text),
    ]
    story = [
        pdf.paragraph("项目简表", "subtitle"),
        pdf.paragraph(facts.name, "title"),
        key_value_table(basic_rows(facts) + extra, width, show),
    ]
    if facts.meetings:
        story.append(pdf.paragraph("领导小组会研究情况", "h3"))
        for seen in facts.meetings:
            outcome = seen.decision or "尚未记录决定"
            conditions = f"；{seen.conditions}" if seen.conditions else ""
            story.append(pdf.paragraph(show(f"{format_date_long(seen.held_on)} {seen.title}：{outcome}{conditions}"), "small"))
    if facts.open_problems:
        story.append(pdf.paragraph("未销号问题", "h3"))
        for problem in facts.open_problems:
            due = f"，期限 {format_date(problem.due_on)}" if problem.due_on else ""
            owner = f"（{problem.owner}{due}）" if problem.owner or due else ""
            story.append(pdf.paragraph(show(f"· {problem.text}{owner}"), "small"))
    # One page per project, whatever the length of its texts: a long one is set a little smaller.
    return [KeepInFrame(width, pdf.frame_height(), story, mode="shrink")]


def build_one_pager(out_path, project_ids: list[int] | int, *, full_contacts: bool = False, progress=None) -> int:
    """Write the one-pager of each project (one page each) to `out_path`; returns the page count."""
    if isinstance(project_ids, int):
        project_ids = [project_ids]
    project_ids = list(project_ids)
    if not project_ids:
        raise UserError("请先选择要打印简表的项目")
    show = privacy(full_contacts)
    settings = _review_settings()
    summary = lifecycle.steps_summary()
    story: list = []
    for index, project_id in enumerate(project_ids):
        if progress is not None and progress(index, len(project_ids) * 2) is False:
            raise UserError(pdf.CANCELLED)
        if story:
            story.append(PageBreak())
        story += one_pager_story(project_facts(project_id, settings=settings, summary=summary), show)
    title = "项目简表" if len(project_ids) > 1 else f"项目简表：{Project.get_by_id(project_ids[0]).name}"

    def build_progress(done, total):
        return progress(len(project_ids) + int(done * len(project_ids) / max(total, 1)), len(project_ids) * 2)

    from desktop.services.database import installation_name

    issuer = installation_name().replace("（演示数据）", "")
    return pdf.build_pdf(out_path, story, title=title, header_text=f"{issuer}　项目简表",
                         progress=build_progress if progress is not None else None)

