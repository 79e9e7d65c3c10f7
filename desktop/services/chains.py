"""Industry chains（产业链）and the battle table（招商作战表）.

“差什么引什么、弱什么补什么、强什么增什么”: each link of a chain is judged by the local companies on
it — strong (≥ `chains.strong_min`, default 3), weak (1 up to that) or missing (none) — and the
target companies to bring in are listed per link with who chases them and the next action.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from desktop.db import database
from desktop.errors import NotFoundError, UserError, ValidationError
from desktop.models import Company, Person, Unit
from desktop.models.chains import PRIORITIES, TARGET_STATUSES, Chain, ChainCompany, ChainLink, TargetCompany
from desktop.services import access
from desktop.services.text import normalise_name, pinyin_initials

SETTING_STRONG_MIN = "chains.strong_min"
DEFAULT_STRONG_MIN = 3
STRONG, WEAK, MISSING = "强", "弱", "缺"

DEFAULT_CHAINS = {
    "精细化工": ("氟硅化工与精细化学品，依托将乐经济开发区化工集中区",
             ["基础原料（氟、硅、钛）", "化工中间体", "精细化学品（食品添加剂、有机硅、钛白粉）", "新材料应用"]),
    "轻合金": ("从铝熔炼到产品制造的全链条",
            ["铝熔炼与合金铸造", "铝棒与坯料", "挤压型材", "表面处理与精密加工", "产品制造（门窗幕墙、汽车部件、电子结构件）", "再生铝回收"]),
    "特色农林": ("竹木、菌菇、种苗与农产品精深加工",
             ["种植与良种繁育", "初加工", "精深加工（食品、菌菇、竹木制品）", "冷链物流", "品牌与销售"]),
    "森林康养": ("依托森林与生态资源的康养和文旅",
             ["森林与生态资源保护", "康养基地", "文旅服务", "健康产品"]),
}
PRIORITY_ORDER = {name: index for index, name in enumerate(PRIORITIES)}


def seed_chains() -> None:
    """The four default chains and their links, once (a database that has chains is left alone)."""
    if Chain.select().exists():
        return
    for order, (name, (description, links)) in enumerate(DEFAULT_CHAINS.items(), 1):
        chain = Chain.create(name=name, description=description, sort_order=order)
        ChainLink.insert_many([{"chain": chain.id, "name": link, "position": position}
                               for position, link in enumerate(links, 1)]).execute()


def strong_minimum() -> int:
    from desktop.services.database import get_setting

    try:
        return max(1, int(get_setting(SETTING_STRONG_MIN, str(DEFAULT_STRONG_MIN))))
    except ValueError:
        return DEFAULT_STRONG_MIN


def link_strength(local_companies: int, minimum: int | None = None) -> str:
    minimum = minimum or strong_minimum()
    if local_companies >= minimum:
        return STRONG
    return WEAK if local_companies > 0 else MISSING


@dataclass
class LinkView:
    id: int
    name: str
    position: int
    companies: list[tuple[int, str]] = field(default_factory=list)  # (company id, name)
    targets: int = 0
    strength: str = MISSING


@dataclass
class ChainView:
    id: int
    name: str
    description: str
    links: list[LinkView] = field(default_factory=list)

    @property
    def local_company_count(self) -> int:
        return len({company_id for link in self.links for company_id, _ in link.companies})


def list_chains() -> list[tuple[int, str]]:
    return list(Chain.select(Chain.id, Chain.name).order_by(Chain.sort_order, Chain.id).tuples())


def chain_view(chain_id: int) -> ChainView:
    chain = Chain.get_or_none(Chain.id == chain_id)
    if chain is None:
        raise NotFoundError("找不到这条产业链，可能已被删除。")
    minimum = strong_minimum()
    view = ChainView(chain.id, chain.name, chain.description)
    links = list(ChainLink.select().where(ChainLink.chain == chain.id).order_by(ChainLink.position, ChainLink.id))
    companies: dict[int, list[tuple[int, str]]] = {}
    for link_id, company_id, name in (ChainCompany.select(ChainCompany.link, Company.id, Company.name)
                                      .join(Company).where(ChainCompany.link.in_([l.id for l in links]))
                                      .order_by(Company.name).tuples()):
        companies.setdefault(link_id, []).append((company_id, name))
    targets = dict(TargetCompany.select(TargetCompany.link, fn.COUNT(TargetCompany.id))
                   .where(TargetCompany.link.in_([l.id for l in links])).group_by(TargetCompany.link).tuples())
    for link in links:
        local = companies.get(link.id, [])
        view.links.append(LinkView(link.id, link.name, link.position, local, targets.get(link.id, 0),
                                   link_strength(len(local), minimum)))
    return view


def save_chain(name: str, description: str = "", chain_id: int | None = None) -> int:
    access.require_centre()
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写产业链名称"})
    clash = Chain.get_or_none((Chain.name == name) & (Chain.id != (chain_id or 0)))
    if clash:
        raise ValidationError({"name": f"已有名为“{name}”的产业链"})
    chain = Chain.get_or_none(Chain.id == chain_id) if chain_id else None
    if chain is None:
        chain = Chain(sort_order=(Chain.select(fn.MAX(Chain.sort_order)).scalar() or 0) + 1)
    chain.name, chain.description = name, (description or "").strip()
    chain.save()
    return chain.id


def save_link(chain_id: int, name: str, *, position: int | None = None, link_id: int | None = None) -> int:
    access.require_centre()
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写环节名称"})
    clash = ChainLink.get_or_none((ChainLink.chain == chain_id) & (ChainLink.name == name) & (ChainLink.id != (link_id or 0)))
    if clash:
        raise ValidationError({"name": f"这条产业链已有“{name}”环节"})
    link = ChainLink.get_or_none(ChainLink.id == link_id) if link_id else None
    if link is None:
        last = ChainLink.select(fn.MAX(ChainLink.position)).where(ChainLink.chain == chain_id).scalar() or 0
        link = ChainLink(chain=chain_id, position=last + 1)
    link.name = name
    if position is not None:
        link.position = position
    link.save()
    return link.id


def move_link(link_id: int, offset: int) -> None:
    """Move a link one place upstream (-1) or downstream (+1)."""
    access.require_centre()
    link = ChainLink.get_by_id(link_id)
    siblings = list(ChainLink.select().where(ChainLink.chain == link.chain_id).order_by(ChainLink.position, ChainLink.id))
    index = [s.id for s in siblings].index(link_id)
    other = index + offset
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    with database.atomic():
        for position, sibling in enumerate(siblings, 1):
            if sibling.position != position:
                sibling.position = position
                sibling.save()


def delete_link(link_id: int) -> None:
    access.require_admin()
    link = ChainLink.get_or_none(ChainLink.id == link_id)
    if link is None:
        return
    if TargetCompany.select().where(TargetCompany.link == link_id).exists():
        raise UserError(f"“{link.name}”环节下还有目标企业，请先移走或删除它们")
    link.delete_instance(recursive=True)


def add_local_company(link_id: int, company_name: str) -> int:
    """Put a local company on a link (the investor record is created when new)."""
    access.require_centre()
    name = (company_name or "").strip()
    if not name:
        raise ValidationError({"company": "请填写企业名称"})
    norm = normalise_name(name)
    company = Company.get_or_none(Company.name_norm == norm)
    with database.atomic():
        if company is None:
            company = Company.create(name=name, name_norm=norm, name_initials=pinyin_initials(name), region="将乐县")
        if not ChainCompany.select().where((ChainCompany.link == link_id) & (ChainCompany.company == company.id)).exists():
            ChainCompany.create(link=link_id, company=company.id)
    return company.id


def remove_local_company(link_id: int, company_id: int) -> None:
    access.require_centre()
    ChainCompany.delete().where((ChainCompany.link == link_id) & (ChainCompany.company == company_id)).execute()


# ---------------------------------------------------------------------------------------------
# Target companies and the battle table


@dataclass
class TargetItem:
    id: int | None
    link_id: int
    name: str
    region: str = ""
    priority: str = "中"
    unit_id: int | None = None
    leader_id: int | None = None
    next_action: str = ""
    next_on: dt.date | None = None
    status: str = "待接触"


def save_target(item: TargetItem) -> int:
    access.require_centre()
    errors = {}
    if not (item.name or "").strip():
        errors["name"] = "请填写目标企业名称"
    if item.priority not in PRIORITIES:
        errors["priority"] = "优先级为 高、中 或 低"
    if item.status not in TARGET_STATUSES:
        errors["status"] = f"状态请从列表中选（{'、'.join(TARGET_STATUSES)}）"
    if not ChainLink.select().where(ChainLink.id == item.link_id).exists():
        errors["link"] = "请选择产业链环节"
    if errors:
        raise ValidationError(errors)
    row = TargetCompany.get_or_none(TargetCompany.id == item.id) if item.id else None
    row = row or TargetCompany()
    row.link, row.name, row.region, row.priority = item.link_id, item.name.strip(), item.region.strip(), item.priority
    row.unit, row.leader, row.next_action = item.unit_id, item.leader_id, item.next_action.strip()
    row.next_on, row.status = item.next_on, item.status
    row.save()
    return row.id


def delete_target(target_id: int) -> None:
    access.require_centre()
    TargetCompany.delete().where(TargetCompany.id == target_id).execute()


def targets_for_link(link_id: int) -> list[TargetItem]:
    return [TargetItem(t.id, t.link_id, t.name, t.region, t.priority, t.unit_id, t.leader_id, t.next_action, t.next_on, t.status)
            for t in TargetCompany.select().where(TargetCompany.link == link_id).order_by(TargetCompany.id)]


BATTLE_HEADERS = ["产业链", "环节", "环节现状", "本地企业", "目标企业", "所在地", "优先级", "责任单位", "挂钩领导",
                  "下一步工作", "计划时间", "进展"]


@dataclass(frozen=True)
class BattleRow:
    chain: str
    link: str
    strength: str
    local_companies: int
    target: str
    region: str
    priority: str
    unit: str
    leader: str
    next_action: str
    next_on: dt.date | None
    status: str
    overdue: bool

    def cells(self) -> list:
        return [self.chain, self.link, self.strength, self.local_companies, self.target, self.region, self.priority,
                self.unit, self.leader, self.next_action, self.next_on, self.status]


def battle_table(today: dt.date | None = None) -> list[BattleRow]:
    """Every target company by chain and link (upstream first), high priority first; links without
    a target are listed too when they are weak or missing, so the gaps show."""
    today = today or dt.date.today()
    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    people = dict(Person.select(Person.id, Person.name).tuples())
    rows: list[BattleRow] = []
    for chain_id, _ in list_chains():
        view = chain_view(chain_id)
        for link in view.links:
            targets = sorted(targets_for_link(link.id), key=lambda t: (PRIORITY_ORDER.get(t.priority, 9), t.id))
            for target in targets:
                overdue = bool(target.next_on and target.next_on < today and target.status not in ("已签约", "放弃"))
                rows.append(BattleRow(view.name, link.name, link.strength, len(link.companies), target.name, target.region,
                                      target.priority, units.get(target.unit_id, ""), people.get(target.leader_id, ""),
                                      target.next_action, target.next_on, target.status, overdue))
            if not targets and link.strength != STRONG:
                rows.append(BattleRow(view.name, link.name, link.strength, len(link.companies), "（待确定目标企业）", "",
                                      "", "", "", "梳理目标企业名单", None, "", False))
    return rows
