"""The demo database: 将乐县, 2022 campaign “大招商招好商”.

`build_demo` makes a self-contained demo file (its own file, never the user's database) with the
county's units, about forty cadres and 168 projects — the named projects of the article plus
generated ones — placed so that `stats.compute_stats(2022-01-01, 2022-06-30)` gives exactly the
article's reference figures (DESIGN.md, “Reference figures”):

    group            n   总投资       what it is
    A started       14   27.04 亿元   入库 in H1 2022, ≥1亿元, 开工 by 30 June
    B not started   33   70.75 亿元   入库 in H1 2022, ≥1亿元, not started by 30 June (some later)
    C small         13    6.85 亿元   入库 in H1 2022, below 1亿元 (incl. 9,999 万元)
    D cloud         12   25.70 亿元   云签约 signed in H1 2022, 入库 only after 30 June (or not yet)
    E negotiating   72  109.00 亿元   a step by 30 June, not signed by then, 正常 on 30 June
    2021            10                entered (and mostly started) in 2021: 富远, 久策 …
    edges           14                must not count: 暂缓/终止 by 30 June, leads after 30 June,
                                      入库 in July (from 1 July), 云签约 signed in 2021 …

The figures come out exactly because each group's amounts are drawn with a fixed seed and the last
one is set so that the group's sum is exact. The data stop at `DEMO_AS_OF` (end of August 2022,
when the article appeared). Everything is deterministic.

The file is built under a temporary name next to the target and renamed into place at the end, so
a failure or a cancel never leaves half a demo behind.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

from peewee import chunked

from desktop import db
from desktop.db import database, sqlite_path_from_url
from desktop.errors import DatabaseError, UserError
from desktop.models import Company, LifecycleStep, Person, Project, StatusChange, StepRecord, Unit
from desktop.models.audit import suspended as audit_suspended
from desktop.services import defaults
from desktop.services.database import SETTING_IS_DEMO, init_database, set_setting
from desktop.services.lifecycle import derive_stage
from desktop.services.text import normalise_name, pinyin_initials

DEMO_SEED = 20220630
DEMO_AS_OF = dt.date(2022, 8, 31)  # the article appeared in August 2022; nothing is dated later
DEMO_INSTALLATION_NAME = "将乐县招商服务中心（演示数据）"

# The article's figures for 2022-01-01…2022-06-30, which the demo reproduces exactly.
REFERENCE_PERIOD = (dt.date(2022, 1, 1), dt.date(2022, 6, 30))
REFERENCE_FIGURES = {
    "library_projects": 60,
    "library_investment_yi": Decimal("104.64"),
    "above_yi_projects": 47,
    "above_yi_investment_yi": Decimal("97.79"),
    "above_yi_started_projects": 14,
    "above_yi_started_investment_yi": Decimal("27.04"),
    "cloud_signed_projects": 12,
    "cloud_signed_investment_yi": Decimal("25.70"),
    "negotiating_projects": 72,
    "negotiating_investment_yi": Decimal("109.00"),
}

H1_START, H1_END = REFERENCE_PERIOD
JULY_1 = dt.date(2022, 7, 1)
EARLIEST = dt.date(2021, 1, 4)

Progress = Callable[[int, int], "bool | None"]


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    projects: int
    units: int
    people: int
    companies: int = 0
    step_records: int = 0

    def describe(self) -> str:
        return f"已生成演示数据库 {self.path}：项目 {self.projects} 个，单位 {self.units} 个，干部 {self.people} 人"


# ---------------------------------------------------------------------------------------------
# People（干部）: fictitious names. Leaders（县领导）lead projects and their teams.

LEADERS = [
    ("L_SECRETARY", "林志远", "县委书记"),
    ("L_MAYOR", "陈建华", "县委副书记、县长"),
    ("L_DEPUTY_SECRETARY", "黄明辉", "县委副书记"),
    ("L_EXECUTIVE", "张国平", "县委常委、常务副县长"),
    ("L_STANDING_1", "吴晓东", "县委常委、组织部部长"),
    ("L_STANDING_2", "刘海燕", "县委常委、宣传部部长"),
    ("L_STANDING_3", "郑文斌", "县委常委、统战部部长"),
    ("L_VICE_1", "谢永强", "副县长"),
    ("L_VICE_2", "邱丽萍", "副县长"),
    ("L_VICE_3", "廖振华", "副县长"),
]

# (name, title, unit)
CADRES = [
    ("罗国栋", "主任", "县招商服务中心"),
    ("肖雅琴", "副主任", "县招商服务中心"),
    ("叶志强", "副主任", "县招商服务中心"),
    ("杨思远", "项目专员", "县招商服务中心"),
    ("蔡晓敏", "项目专员", "县招商服务中心"),
    ("许文杰", "综合科科长", "县招商服务中心"),
    ("邓建新", "专班召集人", "招商工作专班"),
    ("魏振宇", "专班成员", "招商工作专班"),
    ("曾丽华", "专班成员", "招商工作专班"),
    ("彭永福", "专班成员", "招商工作专班"),
    ("范志明", "局长", "县工信局"),
    ("江海涛", "副局长", "县工信局"),
    ("朱红梅", "局长", "县商务局"),
    ("何伟东", "副局长", "县发改局"),
    ("余春生", "局长", "县自然资源局"),
    ("苏晓燕", "副局长", "县生态环境局"),
    ("温建平", "副局长", "县应急管理局"),
    ("汤卫国", "副局长", "县住建局"),
    ("傅秀英", "局长", "县农业农村局"),
    ("严立新", "局长", "县林业局"),
    ("康晓峰", "副局长", "县文体旅局"),
    ("童美玲", "主任", "县行政服务中心"),
    ("潘志华", "主任", "将乐经济开发区"),
    ("黎明军", "副主任", "将乐经济开发区"),
    ("施小龙", "招商部部长", "将乐经济开发区"),
    ("马俊杰", "镇长", "古镛镇"),
    ("戴文华", "镇长", "水南镇"),
    ("上官伟", "镇长", "高唐镇"),
    ("欧阳敏", "副镇长", "万安镇"),
    ("钟国良", "乡长", "余坊乡"),
]

# ---------------------------------------------------------------------------------------------
# Industries: chain link → products (generated project names), investor name endings, places.

INDUSTRY_WEIGHTS = [
    ("精细化工", 18), ("轻合金", 12), ("新材料", 11), ("特色农林", 18), ("森林康养", 8), ("机械制造", 8),
    ("电子信息", 8), ("生物医药", 5), ("食品加工", 6), ("商贸物流", 3), ("新能源", 4),
]

PRODUCTS = {
    "精细化工": {
        "氟化工": ["电子级氢氟酸", "含氟精细化学品", "无水氟化氢", "氟橡胶", "含氟锂电材料", "氟化铝", "六氟磷酸锂"],
        "硅化工": ["高纯硅烷", "硅酮密封胶", "气相白炭黑", "硅橡胶制品", "有机硅中间体"],
        "医药中间体": ["医药中间体", "农药中间体", "原料药中间体"],
        "专用化学品": ["水性工业涂料", "环保型增塑剂", "聚氨酯胶粘剂", "特种表面活性剂", "电子化学品", "润滑油添加剂",
                  "环保水处理剂", "油墨树脂", "高分子助剂"],
        "食品添加剂": ["食品级磷酸盐", "天然色素提取"],
    },
    "轻合金": {
        "铝型材": ["工业铝型材", "系统门窗铝型材", "建筑铝合金模板", "光伏铝边框", "轨道交通铝型材"],
        "再生铝": ["再生铝合金锭", "废铝回收再生", "铝灰渣资源化利用"],
        "铝深加工": ["汽车轻量化铝部件", "高精度铝箔", "铝合金轮毂", "铝合金电缆", "镁合金压铸件", "铝制包装容器",
                 "铝合金散热器"],
    },
    "新材料": {
        "先进复合材料": ["碳纤维复合材料", "竹纤维复合板材", "玻璃纤维制品", "竹基新材料"],
        "功能材料": ["石墨烯导热膜", "高性能陶瓷基板", "纳米碳酸钙", "改性塑料", "稀土功能材料", "特种玻璃", "生物基纤维"],
        "绿色建材": ["环保新型墙材", "岩棉保温材料", "装配式建筑构件"],
    },
    "特色农林": {
        "食用菌": ["食用菌工厂化生产", "香菇精深加工"],
        "竹产业": ["竹笋精深加工", "竹木家居制造", "竹筷竹签加工", "竹炭制品", "竹材重组材", "笋竹两用林基地"],
        "油茶": ["油茶精深加工", "油茶种植基地"],
        "林下经济": ["林下中药材种植基地", "黄精种植加工", "铁皮石斛种植", "无患子皂苷提取", "中蜂养殖", "森林食品加工"],
        "茶产业": ["擂茶产业园", "高山茶叶加工"],
        "现代农业": ["生态稻米加工", "有机蔬菜基地", "生态养殖基地", "花卉苗木基地", "杉木精深加工", "百香果种植",
                 "蜜柚种植加工", "林木种苗基地"],
    },
    "森林康养": {
        "康养度假": ["龙栖山森林康养基地", "高唐温泉康养", "森林人家民宿集群", "金溪康养小镇", "中医药康养园"],
        "生态旅游": ["玉华洞景区提升", "天阶山生态旅游", "常口村乡村文旅", "将乐古城文旅街区", "研学旅行营地",
                 "房车露营基地", "国家森林步道驿站", "溪流垂钓休闲园"],
    },
    "机械制造": {
        "装备制造": ["数控机床零部件", "林业机械装备", "智能农机装备", "环保设备制造", "电动工具"],
        "零部件": ["精密铸件", "液压件", "钢结构件", "齿轮传动件", "汽车零部件", "新能源汽车零部件"],
    },
    "电子信息": {
        "电子元器件": ["光电连接器", "柔性电路板", "片式电感", "传感器", "光伏接线盒"],
        "智能终端": ["智能终端配件", "智能电表", "汽车线束加工", "智能家居控制器", "电子线材"],
        "照明": ["LED照明器件"],
        "锂电": ["锂电池组装"],
    },
    "生物医药": {
        "中药": ["中药饮片加工", "红豆杉提取物", "中药材种植基地"],
        "生物制品": ["生物农药", "医用敷料", "植物提取物", "保健食品", "兽用生物制品"],
    },
    "食品加工": {
        "农产品加工": ["预制菜加工", "休闲食品", "米粉加工", "果蔬汁饮料", "粮油加工", "烘焙食品"],
        "饮品": ["饮用天然矿泉水", "擂茶饮品"],
        "冷链": ["冷链食品加工"],
    },
    "商贸物流": {
        "商贸": ["建材家居市场", "城市商业综合体", "汽车商贸城"],
        "物流": ["冷链物流园", "电商产业园", "农产品集配中心", "县域商贸物流中心", "再生资源回收中心"],
    },
    "新能源": {
        "光伏": ["分布式光伏电站", "农光互补光伏"],
        "储能": ["储能电池", "新能源汽车充电网络"],
        "生物质能": ["生物质发电"],
        "氢能": ["氢能综合利用"],
    },
}

# Industries whose projects carry a capacity in the name（年产…）.
CAPACITY_INDUSTRIES = {"精细化工", "轻合金", "新材料", "食品加工"}
CAPACITIES = ["年产3000吨", "年产5000吨", "年产1万吨", "年产2万吨", "年产3万吨", "年产5万吨"]

COMPANY_ENDINGS = {
    "精细化工": ["化工有限公司", "化学科技有限公司", "精细化工有限公司"],
    "轻合金": ["铝业有限公司", "金属制品有限公司", "轻合金科技有限公司"],
    "新材料": ["新材料科技有限公司", "新型材料有限公司"],
    "特色农林": ["农业发展有限公司", "生态农业有限公司", "林业开发有限公司", "竹业有限公司"],
    "森林康养": ["旅游开发有限公司", "文旅发展有限公司", "康养产业有限公司"],
    "机械制造": ["机械制造有限公司", "重工有限公司", "智能装备有限公司"],
    "电子信息": ["电子科技有限公司", "电子有限公司"],
    "生物医药": ["生物科技有限公司", "医药有限公司"],
    "食品加工": ["食品有限公司", "食品科技有限公司"],
    "商贸物流": ["商贸有限公司", "物流有限公司", "置业有限公司"],
    "新能源": ["新能源科技有限公司", "能源发展有限公司"],
}
COMPANY_PLACES = [
    ("福建", "福建"), ("福州", "福建福州"), ("厦门", "福建厦门"), ("泉州", "福建泉州"), ("三明", "福建三明"),
    ("将乐县", "福建三明"), ("浙江", "浙江"), ("江苏", "江苏"), ("广东", "广东"), ("上海", "上海"),
    ("深圳", "广东深圳"), ("江西", "江西"),
]
BRAND_FIRST = "华金鑫恒嘉永宏中瑞天康绿博众海凯泰德顺兴锦宝龙信诚"
BRAND_SECOND = "闽源泰盛达丰发润祥瑞诚宇辉晟泽隆昌合邦元"

INDUSTRIAL = {"精细化工", "轻合金", "新材料", "机械制造", "电子信息", "生物医药", "食品加工", "新能源"}
TOWNSHIPS_BY_KIND = {
    "industrial": ["古镛镇", "古镛镇", "水南镇", "水南镇", "高唐镇", "万安镇"],
    "farming": list(defaults.TOWNSHIPS),
    "tourism": ["白莲镇", "余坊乡", "万全乡", "高唐镇", "南口乡", "光明乡", "漠源乡", "大源乡", "安仁乡", "黄潭镇"],
    "commerce": ["古镛镇", "水南镇"],
}
RESPONSIBLE_UNITS = {
    "精细化工": ["将乐经济开发区", "将乐经济开发区", "县工信局"],
    "轻合金": ["将乐经济开发区", "将乐经济开发区", "县工信局"],
    "新材料": ["将乐经济开发区", "县工信局"],
    "机械制造": ["将乐经济开发区", "县工信局"],
    "电子信息": ["将乐经济开发区", "县工信局"],
    "生物医药": ["县工信局"],
    "食品加工": ["县工信局", "县农业农村局"],
    "新能源": ["县发改局"],
    "特色农林": ["县农业农村局", "县林业局"],
    "森林康养": ["县文体旅局"],
    "商贸物流": ["县商务局"],
}
CONTENT_ENDINGS = {
    "industrial": "主要建设生产厂房、仓储及配套环保设施，购置自动化生产线。",
    "farming": "建设种植（养殖）基地和加工厂房，采取“公司+合作社+农户”模式带动农户增收。",
    "tourism": "建设康养度假、生态观光、研学体验及配套服务设施。",
    "commerce": "建设商业、仓储及配套物流设施。",
}

# Optional steps 13–18: how often a project is 不涉及. Farming, tourism and trade often skip the
# energy and safety reviews; a factory needs nearly every approval, and chemicals need them all.
NOT_APPLICABLE_ODDS = {13: 0.5, 14: 0.2, 15: 0.6, 16: 0.15, 17: 0.15, 18: 0.1}
INDUSTRIAL_NOT_APPLICABLE_ODDS = {13: 0.15, 14: 0.0, 15: 0.25, 16: 0.0, 17: 0.0, 18: 0.0}
NON_INDUSTRIAL = {"特色农林", "森林康养", "商贸物流", "文旅服务"}
STEP_NOTES = {
    1: "乡贤座谈会/商会推介线索",
    3: "首次洽谈纪要",
    4: "实地考察",
    5: "初审申请材料齐全",
    7: "领导小组会纪要",
    9: "签约仪式",
    10: "录入县招商项目库",
    19: "开工仪式",
    22: "投产仪式",
}

PROGRESS_BY_STAGE = {
    0: "线索登记",
    1: "线索已登记，待专人对接",
    2: "专人对接中",
    3: "对接中，已开展首次洽谈",
    4: "对接中，客商已实地考察",
    5: "已提交即时初审，成员单位三日内反馈意见",
    6: "初审通过，待提交领导小组会研究",
    7: "领导小组会同意落地，洽谈协议条款",
    8: "已签订框架协议，洽谈正式协议",
    9: "已签约，待入库",
    10: "已入库，办理企业注册",
    11: "企业已注册，办理项目备案",
    12: "已备案，办理前期审批手续",
    13: "办理能评、环评等前期手续",
    14: "办理环评、安评等前期手续",
    15: "办理供地手续",
    16: "已摘牌供地，办理规划许可",
    17: "已取得规划许可，办理施工许可",
    18: "已取得施工许可，准备开工",
    19: "已开工，场地平整及基础施工",
    20: "主体厂房施工中",
    21: "竣工验收，设备安装调试",
    22: "已投产",
    23: "已上规，达产运行",
}

PAUSE_REASONS = ["投资方资金未落实，暂缓推进", "项目选址调整，暂缓推进", "市场行情变化，投资方暂缓决策"]
STOP_REASONS = ["投资方战略调整，终止合作", "不符合产业政策，终止对接", "环境容量不足，终止对接"]


# ---------------------------------------------------------------------------------------------


@dataclass
class _Spec:
    """One demo project before it is written: its fields, step records and status history."""

    name: str
    investor: str
    industry: str
    chain_link: str
    total: Decimal  # 万元
    group: str
    steps: list[tuple[int, dt.date, bool]] = field(default_factory=list)
    statuses: list[tuple[str, dt.date, str]] = field(default_factory=list)
    signing_mode: str = ""
    is_key: bool | None = None
    progress_text: str = ""
    content: str = ""
    township: str = ""
    responsible_unit: str = ""
    first_unit: str = ""
    leader: str | None = None  # key into LEADERS
    land_area: Decimal | None = None
    fixed_asset: Decimal | None = None
    company_region: str = ""
    amounts: dict[str, Decimal] = field(default_factory=dict)  # signed/arrived/plan/completed, 万元

    @property
    def lead_on(self) -> dt.date:
        return min(day for _, day, _ in self.steps)

    @property
    def stage(self) -> int:
        return max((n for n, _, _ in self.steps), default=0)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


class _Generator:
    def __init__(self, seed: int = DEMO_SEED):
        self.rng = random.Random(seed)
        self.specs: list[_Spec] = []
        self.names: set[str] = set()
        self.companies: dict[str, tuple[str, str]] = {}  # name → (region, industry)
        self.companies_by_industry: dict[str, list[str]] = {}
        self.products_left: dict[str, list[tuple[str, str]]] = {}
        self.investors: dict[str, tuple[str, str]] = {}  # project name → (investor, region)

    # -- small helpers -------------------------------------------------------------------------

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        if end < start:
            raise AssertionError(f"empty date range {start}…{end}")
        return start + _days(self.rng.randint(0, (end - start).days))

    def split(self, total: int, n: int, lo: int, hi: int, step: int = 100) -> list[Decimal]:
        """n amounts (万元) in [lo, hi] summing exactly to `total`: drawn around the mean with the
        fixed seed; the last one takes what is left."""
        values: list[int] = []
        left = total
        for i in range(n - 1):
            rest = n - 1 - i
            low = max(lo, left - rest * hi)
            high = min(hi, left - rest * lo)
            mean = left / (rest + 1)
            wanted = mean * self.rng.uniform(0.45, 1.6)
            value = int(round(min(max(wanted, low), high) / step)) * step
            value = min(max(value, -(-low // step) * step), (high // step) * step)
            values.append(value)
            left -= value
        if not lo <= left <= hi:
            raise AssertionError(f"cannot split {total} into {n} amounts in [{lo}, {hi}]")
        values.append(left)
        return [Decimal(v) for v in values]

    def company(self, industry: str, *, reuse: float = 0.15) -> tuple[str, str]:
        """A generated investor (name, region): new, or now and then one that already invests."""
        existing = self.companies_by_industry.get(industry, [])
        if existing and self.rng.random() < reuse:
            name = self.rng.choice(existing)
            return name, self.companies[name][0]
        for _ in range(200):
            place, region = self.rng.choice(COMPANY_PLACES)
            brand = self.rng.choice(BRAND_FIRST) + self.rng.choice(BRAND_SECOND)
            name = f"{place}{brand}{self.rng.choice(COMPANY_ENDINGS[industry])}"
            if name not in self.companies:
                self.add_company(name, region, industry)
                return name, region
        raise AssertionError("ran out of company names")

    def add_company(self, name: str, region: str, industry: str) -> None:
        if name not in self.companies:
            self.companies[name] = (region, industry)
            self.companies_by_industry.setdefault(industry, []).append(name)

    def industry(self) -> str:
        names, weights = zip(*INDUSTRY_WEIGHTS)
        return self.rng.choices(names, weights=weights)[0]

    def product(self, industry: str) -> tuple[str, str, str | None]:
        """(project name, chain link, earlier phase) for a generated project of this industry.

        Names are unique; when the products of an industry run out, a product comes round again as
        the second phase（二期）of the earlier project, by the same investor."""
        pool = self.products_left.get(industry)
        if not pool:
            pool = [(product, chain) for chain, products in PRODUCTS[industry].items() for product in products]
            self.rng.shuffle(pool)
            self.products_left[industry] = pool
        product, chain = pool.pop()
        name = product
        if industry in CAPACITY_INDUSTRIES and self.rng.random() < 0.6:
            name = f"{self.rng.choice(CAPACITIES)}{product}"
        if name not in self.names:
            return name, chain, None
        for suffix in ("二期", "三期", "四期"):
            if f"{name}{suffix}" not in self.names:
                return f"{name}{suffix}", chain, name
        raise AssertionError(f"ran out of names for {industry}")

    @staticmethod
    def kind(industry: str) -> str:
        if industry in ("森林康养",):
            return "tourism"
        if industry == "商贸物流":
            return "commerce"
        if industry == "特色农林":
            return "farming"
        return "industrial"

    def new_spec(self, group: str, total: Decimal, *, industry: str | None = None) -> _Spec:
        industry = industry or self.industry()
        name, chain, earlier = self.product(industry)
        if earlier is not None:
            investor, region = self.investors[earlier]
        else:
            investor, region = self.company(industry)
        return _Spec(name=name, investor=investor, industry=industry, chain_link=chain, total=total,
                     group=group, company_region=region)

    def steps(self, stage: int, anchors: dict[int, dt.date], *, until: dt.date = DEMO_AS_OF,
              industry: str = "") -> list[tuple[int, dt.date, bool]]:
        """Records for steps 1…stage in lifecycle order. Anchored steps keep their dates; the steps
        between two anchors get sorted dates between them; steps after the last anchor follow every
        few days (never after `until`). Optional steps 13–18 are sometimes 不涉及."""
        if 1 not in anchors:
            raise AssertionError("the lead date (step 1) must be given")
        points = sorted((n, day) for n, day in anchors.items() if n <= stage)
        for (_, a), (_, b) in zip(points, points[1:]):
            if b < a:
                raise AssertionError(f"anchors out of order: {anchors}")
        if points[-1][1] > until:
            raise AssertionError(f"anchor after {until}: {anchors}")
        dates: dict[int, dt.date] = {}
        for (n, a), (m, b) in zip(points, points[1:]):
            dates[n] = a
            gap = list(range(n + 1, m))
            if gap and gap[0] == 2:  # 专人对接 within a day of the lead
                dates[2] = min(a + _days(self.rng.randint(0, 1)), b)
                gap = gap[1:]
                a = dates[2]
            for k, day in zip(gap, sorted(self.date_between(a, b) for _ in gap)):
                dates[k] = day
        last_n, day = points[-1]
        dates[last_n] = day
        for k in range(last_n + 1, stage + 1):
            step_days = self.rng.randint(0, 1) if k == 2 else self.rng.randint(3, 24)
            day = min(until, day + _days(step_days))
            dates[k] = day
        odds = dict(NOT_APPLICABLE_ODDS if industry in NON_INDUSTRIAL else INDUSTRIAL_NOT_APPLICABLE_ODDS)
        if industry == "精细化工":
            odds = {k: 0.0 for k in odds}
        records = []
        for k in range(1, stage + 1):
            not_applicable = k in odds and self.rng.random() < odds[k]
            records.append((k, dates[k], not_applicable))
        return records

    def add(self, spec: _Spec) -> _Spec:
        if spec.name in self.names:
            raise AssertionError(f"duplicate demo project {spec.name}")
        self.names.add(spec.name)
        self.specs.append(spec)
        self.investors[spec.name] = (spec.investor, spec.company_region)
        return spec

    def lead_before(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return max(EARLIEST, day - _days(self.rng.randint(lo, hi)))

    # -- the groups ----------------------------------------------------------------------------

    def build(self) -> list[_Spec]:
        self.group_2021()
        self.group_started()
        self.group_not_started()
        self.group_small()
        self.group_cloud()
        self.group_negotiating()
        self.group_edges()
        for spec in self.specs:
            self.complete(spec)
        return self.specs

    def group_2021(self) -> None:
        """Entered (and mostly started) in 2021: not in any 2022 figure."""
        fy = self.add(_Spec(
            name="富远新型铝材产业园", investor="福建富远铝业有限公司", industry="轻合金", chain_link="铝型材",
            total=Decimal(150000), fixed_asset=Decimal(132000), land_area=Decimal(320), group="2021",
            company_region="福建三明", signing_mode="现场签约", is_key=True, leader="L_SECRETARY",
            township="水南镇", responsible_unit="将乐经济开发区", first_unit="县招商服务中心",
            content="福建富远铝业有限公司投资建设新型铝材产业园，分两期建设高端工业铝型材、系统门窗型材挤压及深加工生产线。",
            progress_text="在建：一期厂房主体施工，挤压生产线设备进场",
        ))
        fy.steps = self.steps(20, {1: dt.date(2021, 1, 12), 9: dt.date(2021, 3, 26), 10: dt.date(2021, 4, 8),
                                   19: dt.date(2021, 6, 18), 20: dt.date(2021, 9, 28)}, industry=fy.industry)
        jc = self.add(_Spec(
            name="久策气体（将乐）", investor="福建久策气体集团有限公司", industry="精细化工", chain_link="工业气体",
            total=Decimal(50000), fixed_asset=Decimal(43000), land_area=Decimal(86.5), group="2021",
            company_region="福建福州", signing_mode="现场签约", is_key=True, leader="L_EXECUTIVE",
            township="高唐镇", responsible_unit="将乐经济开发区", first_unit="招商工作专班",
            content="工业气体及特种气体生产基地，分两期建设：一期投资1.3亿元建设空分装置及充装站，二期建设电子特种气体生产线。",
            progress_text="一期（1.3亿元）土建完成80%",
        ))
        jc.steps = self.steps(20, {1: dt.date(2021, 2, 20), 9: dt.date(2021, 6, 10), 10: dt.date(2021, 6, 25),
                                   19: dt.date(2021, 10, 16), 20: dt.date(2022, 3, 15)}, industry=jc.industry)
        for stage in (12, 16, 19, 20, 21, 22, 22, 23):
            total = Decimal(self.rng.randrange(3000, 60000, 100))
            spec = self.add(self.new_spec("2021", total))
            lead = self.date_between(dt.date(2021, 1, 4), dt.date(2021, 5, 31))
            sign = lead + _days(self.rng.randint(45, 150))
            library = sign + _days(self.rng.randint(5, 30))
            anchors = {1: lead, 9: sign, 10: library}
            if stage >= 22:  # started early enough to be operating by summer 2022
                anchors[19] = library + _days(self.rng.randint(30, 90))
                anchors[22] = self.date_between(anchors[19] + _days(90), DEMO_AS_OF - _days(20))
            elif stage >= 19:
                anchors[19] = library + _days(self.rng.randint(40, 150))
            spec.signing_mode = "现场签约"
            spec.steps = self.steps(stage, anchors, industry=spec.industry)

    def group_started(self) -> None:
        """A: 入库 in H1 2022, ≥1亿元, 开工 by 30 June — 14 projects, 27.04亿元."""
        named = [
            _Spec(name="富硒香菇三产融合", investor="福建将乐富硒农业发展有限公司", industry="特色农林",
                  chain_link="食用菌", total=Decimal(12000), fixed_asset=Decimal(9800), land_area=Decimal(120),
                  group="A", company_region="福建三明", township="万安镇", responsible_unit="县农业农村局",
                  first_unit="万安镇", leader="L_VICE_2", is_key=True,
                  content="富硒香菇种植、精深加工与菇旅体验三产融合，建设标准化菇棚、加工厂房和研学体验区。",
                  progress_text="加工厂房竣工，设备调试"),
            _Spec(name="水木海清生物科技", investor="福建水木海清生物科技有限公司", industry="生物医药",
                  chain_link="植物提取", total=Decimal(18000), fixed_asset=Decimal(15000), land_area=Decimal(45),
                  group="A", company_region="福建厦门", township="古镛镇", responsible_unit="将乐经济开发区",
                  first_unit="招商工作专班", leader="L_STANDING_1", is_key=True,
                  content="植物活性成分提取及生物制剂生产，建设提取车间、制剂车间和研发中心。",
                  progress_text="厂房建成，生产线安装"),
        ]
        amounts = [Decimal(10000)] + self.split(270400 - 12000 - 18000 - 10000, 11, 10000, 40000)
        specs = named + [self.new_spec("A", amount) for amount in amounts]
        anchors = [
            (dt.date(2021, 8, 10), dt.date(2021, 12, 20), dt.date(2022, 1, 18), dt.date(2022, 3, 8), 21),
            (dt.date(2021, 9, 15), dt.date(2022, 1, 20), dt.date(2022, 2, 22), dt.date(2022, 4, 12), 20),
        ]
        for i, spec in enumerate(specs):
            self.add(spec)
            spec.signing_mode = "现场签约"
            if i < len(anchors):
                lead, sign, library, start, stage = anchors[i]
            else:
                library = self.date_between(dt.date(2022, 1, 5), dt.date(2022, 5, 31))
                # one of them starts on the last day of the period (inclusive)
                start = H1_END if i == len(anchors) else self.date_between(library + _days(10), H1_END)
                sign = library - _days(self.rng.randint(5, 75))
                lead = self.lead_before(sign, 60, 240)
                stage = self.rng.choice([19, 19, 20, 20, 21])
            spec.steps = self.steps(stage, {1: lead, 9: sign, 10: library, 19: start}, industry=spec.industry)

    def group_not_started(self) -> None:
        """B: 入库 in H1 2022, ≥1亿元, no 开工 by 30 June — 33 projects, 70.75亿元."""
        xhy = _Spec(
            name="鑫晖源机械制造", investor="福建鑫晖源机械制造有限公司", industry="机械制造", chain_link="装备制造",
            total=Decimal(12000), fixed_asset=Decimal(10000), land_area=Decimal(52), group="B",
            company_region="福建泉州", township="水南镇", responsible_unit="将乐经济开发区", first_unit="县招商服务中心",
            leader="L_VICE_1", content="建设林业机械、矿山机械整机及零部件生产线。",
            progress_text="已引进：已摘牌供地，办理规划许可",
        )
        amounts = self.split(707500 - 12000, 32, 10100, 60000)
        specs = [xhy] + [self.new_spec("B", amount) for amount in amounts]
        for i, spec in enumerate(specs):
            self.add(spec)
            spec.signing_mode = "现场签约"
            if i == 0:
                spec.steps = self.steps(16, {1: dt.date(2021, 11, 5), 9: dt.date(2022, 3, 18), 10: dt.date(2022, 4, 6)},
                                        industry=spec.industry)
                continue
            library = self.date_between(dt.date(2022, 1, 5), dt.date(2022, 6, 28))
            sign = library - _days(self.rng.randint(5, 75))
            lead = self.lead_before(sign, 60, 240)
            anchors = {1: lead, 9: sign, 10: library}
            if i <= 6:  # started after the period: 1 July (the day after) and later
                anchors[19] = JULY_1 if i == 1 else self.date_between(JULY_1, dt.date(2022, 8, 25))
                stage = self.rng.choice([19, 19, 20])
            else:
                stage = self.rng.randint(10, 18)
            spec.steps = self.steps(stage, anchors, industry=spec.industry)

    def group_small(self) -> None:
        """C: 入库 in H1 2022, below 1亿元 — 13 projects, 6.85亿元 (one at 9,999 万元)."""
        named = [
            _Spec(name="高频电子变压器", investor="将乐县华晟电子科技有限公司", industry="电子信息",
                  chain_link="电子元器件", total=Decimal(5000), fixed_asset=Decimal(3800), land_area=Decimal(25),
                  group="C", company_region="福建三明", township="古镛镇", responsible_unit="将乐经济开发区",
                  first_unit="县工信局", leader="L_VICE_1", content="建设高频电子变压器、电感器生产线。",
                  progress_text="已引进：企业已注册，办理项目备案"),
            _Spec(name="高精密电子元器件", investor="福建精诚电子元器件有限公司", industry="电子信息",
                  chain_link="电子元器件", total=Decimal(8000), fixed_asset=Decimal(6500), land_area=Decimal(30),
                  group="C", company_region="广东深圳", township="古镛镇", responsible_unit="将乐经济开发区",
                  first_unit="招商工作专班", leader="L_VICE_1", content="建设高精密片式电子元器件生产线。",
                  progress_text="已引进：已入库，办理企业注册"),
        ]
        amounts = [Decimal(9999)] + self.split(68500 - 5000 - 8000 - 9999, 10, 1000, 9900)
        specs = named + [self.new_spec("C", amount) for amount in amounts]
        fixed = [
            (dt.date(2021, 12, 2), dt.date(2022, 4, 15), dt.date(2022, 5, 10), 11),
            # entered on the last day of the period (inclusive)
            (dt.date(2022, 1, 10), dt.date(2022, 5, 20), H1_END, 10),
        ]
        for i, spec in enumerate(specs):
            self.add(spec)
            spec.signing_mode = "现场签约"
            if i < len(fixed):
                lead, sign, library, stage = fixed[i]
                spec.steps = self.steps(stage, {1: lead, 9: sign, 10: library}, industry=spec.industry)
                continue
            library = self.date_between(dt.date(2022, 1, 5), dt.date(2022, 6, 29))
            sign = library - _days(self.rng.randint(5, 60))
            lead = self.lead_before(sign, 45, 200)
            anchors = {1: lead, 9: sign, 10: library}
            if self.rng.random() < 0.35 and library < dt.date(2022, 6, 1):  # small and started: not an 亿元 start
                anchors[19] = self.date_between(library + _days(10), H1_END)
                stage = 19
            else:
                stage = self.rng.randint(10, 18)
            spec.steps = self.steps(stage, anchors, industry=spec.industry)

    def group_cloud(self) -> None:
        """D: 云签约 signed in H1 2022, entered only after 30 June — 12 projects, 25.70亿元."""
        named = [
            _Spec(name="民天（将乐）保供基地", investor="福建民天集团有限公司", industry="食品加工",
                  chain_link="农产品加工", total=Decimal(35000), fixed_asset=Decimal(28000), land_area=Decimal(150),
                  group="D", company_region="福建福州", township="水南镇", responsible_unit="县商务局",
                  first_unit="县商务局", leader="L_MAYOR", is_key=True,
                  content="建设粮油、蔬菜、肉类等生活物资保供基地，含冷链仓储、中央厨房和配送中心。"),
            _Spec(name="闽台良种繁育中心", investor="福建闽台农业发展有限公司", industry="特色农林",
                  chain_link="种业", total=Decimal(12000), fixed_asset=Decimal(8000), land_area=Decimal(300),
                  group="D", company_region="福建漳州", township="黄潭镇", responsible_unit="县农业农村局",
                  first_unit="县农业农村局", leader="L_VICE_2",
                  content="引进台湾优良果蔬、花卉品种，建设良种繁育温室、试验示范基地。"),
        ]
        amounts = self.split(257000 - 35000 - 12000, 10, 3000, 50000)
        specs = named + [self.new_spec("D", amount) for amount in amounts]
        ceremonies = [dt.date(2022, 2, 16), dt.date(2022, 5, 18), dt.date(2022, 6, 18)]
        for i, spec in enumerate(specs):
            self.add(spec)
            spec.signing_mode = "云签约"
            if i == 0:
                sign, lead, library = dt.date(2022, 6, 18), dt.date(2021, 12, 15), dt.date(2022, 8, 10)
            elif i == 1:
                sign, lead, library = dt.date(2022, 2, 16), dt.date(2021, 10, 22), dt.date(2022, 7, 12)
            else:
                sign = H1_END if i == 2 else self.rng.choice(ceremonies)  # signed on the period's last day
                lead = self.lead_before(sign, 45, 200)
                library = self.date_between(dt.date(2022, 7, 5), dt.date(2022, 8, 30)) if self.rng.random() < 0.5 else None
            anchors = {1: lead, 9: sign}
            if library is not None:
                anchors[10] = library
                stage = self.rng.randint(10, 12)
                spec.steps = self.steps(stage, anchors, industry=spec.industry)
            else:
                spec.steps = self.steps(9, anchors, industry=spec.industry)

    def group_negotiating(self) -> None:
        """E: a step by 30 June, not signed by then, 正常 on 30 June — 72 projects, 109.00亿元."""
        named = [
            ("年产5万吨可降解环保产品", "福建绿源降解材料科技有限公司", "新材料", "生物可降解材料", 50000, 4,
             dt.date(2022, 4, 8), "对接中：客商已实地考察，洽谈用地和投资协议", "L_STANDING_2", "招商工作专班", "福建福州"),
            ("血灵芝加工", "将乐县灵芝生物科技有限公司", "特色农林", "林下经济", 3000, 3,
             dt.date(2022, 5, 16), "对接中：已开展首次洽谈", "L_VICE_3", "余坊乡", "福建三明"),
            ("10万吨新型铝合金材料及制品", "福建闽铝新材料有限公司", "轻合金", "铝深加工", 100000, 5,
             dt.date(2022, 3, 2), "已提交即时初审，成员单位三日内反馈意见", "L_MAYOR", "县招商服务中心", "福建南平"),
            ("陶粒混凝土防火保温板", "福建华建新型建材有限公司", "新材料", "绿色建材", 8000, 5,
             dt.date(2022, 5, 6), "已提交即时初审，待补充环评相关材料", "L_VICE_1", "高唐镇", "福建泉州"),
            ("居然之家", "居然之家新零售集团股份有限公司", "商贸物流", "商贸", 30000, 6,
             dt.date(2022, 1, 20), "初审通过，待领导小组会研究", "L_EXECUTIVE", "县商务局", "北京"),
            ("年产6000吨食品添加剂酒石酸", "福建恒信食品添加剂有限公司", "精细化工", "食品添加剂", 20000, 6,
             dt.date(2022, 2, 11), "初审通过，待领导小组会研究", "L_STANDING_3", "县工信局", "福建泉州"),
            ("年产2万吨有机硅生产线", "福建硅谷新材料有限公司", "精细化工", "硅化工", 50000, 6,
             dt.date(2021, 12, 8), "初审通过，待领导小组会研究", "L_DEPUTY_SECRETARY", "招商工作专班", "福建福州"),
            ("年产3万吨钛白粉精细化加工", "福建钛源化工有限公司", "精细化工", "钛化工", 30000, 6,
             dt.date(2022, 1, 5), "初审通过，待领导小组会研究", "L_EXECUTIVE", "将乐经济开发区", "福建龙岩"),
        ]
        named_total = sum(item[4] for item in named)
        for name, investor, industry, chain, total, stage, lead, progress, leader, first_unit, region in named:
            kind = self.kind(industry)
            spec = self.add(_Spec(
                name=name, investor=investor, industry=industry, chain_link=chain, total=Decimal(total),
                group="E", company_region=region, progress_text=progress, leader=leader, first_unit=first_unit,
                is_key=total >= 30000,
                township="古镛镇" if name == "居然之家" else self.rng.choice(TOWNSHIPS_BY_KIND[kind]),
            ))
            if name == "居然之家":
                spec.content = "建设居然之家将乐店（家居建材及生活综合卖场），含商业、仓储及停车配套。"
                spec.land_area = Decimal(40)
            # stage on 30 June is below 签约; 初审 steps may have been recorded over the summer
            spec.steps = self.steps(stage, {1: lead}, until=DEMO_AS_OF, industry=industry)
        amounts = self.split(1090000 - named_total, 64, 500, 40000)
        for i, amount in enumerate(amounts):
            spec = self.add(self.new_spec("E", amount))
            if i < 9:  # signed after the period (still negotiating on 30 June); one by 云签约 on 1 July
                sign = JULY_1 if i == 0 else self.date_between(JULY_1, dt.date(2022, 8, 26))
                spec.signing_mode = "云签约" if i == 0 else "现场签约"
                lead = self.date_between(dt.date(2021, 9, 1), dt.date(2022, 5, 31))
                anchors = {1: lead, 9: sign}
                stage = 9
                if i % 3 == 1:
                    anchors[10] = min(DEMO_AS_OF, sign + _days(self.rng.randint(3, 20)))
                    stage = 10
                spec.steps = self.steps(stage, anchors, industry=spec.industry)
            elif i < 11:  # 终止 after 30 June: counted, as it was 正常 on 30 June
                lead = self.date_between(dt.date(2021, 10, 1), dt.date(2022, 4, 30))
                spec.steps = self.steps(self.rng.randint(2, 4), {1: lead}, until=H1_END, industry=spec.industry)
                spec.statuses = [("终止", dt.date(2022, 7, 20) if i == 9 else dt.date(2022, 8, 15), self.rng.choice(STOP_REASONS))]
            elif i == 11:  # paused in spring, resumed in May: 正常 on 30 June
                lead = dt.date(2021, 11, 18)
                spec.steps = self.steps(5, {1: lead}, until=H1_END, industry=spec.industry)
                spec.statuses = [("暂缓", dt.date(2022, 3, 10), PAUSE_REASONS[0]), ("正常", dt.date(2022, 5, 20), "资金落实，恢复推进")]
            elif i == 12:  # paused on 1 July: still 正常 on 30 June
                lead = dt.date(2022, 2, 23)
                spec.steps = self.steps(4, {1: lead}, until=H1_END, industry=spec.industry)
                spec.statuses = [("暂缓", JULY_1, PAUSE_REASONS[1])]
            elif i == 13:  # first recorded on the last day of the period
                spec.steps = self.steps(2, {1: H1_END}, industry=spec.industry)
            else:
                lead = self.date_between(dt.date(2021, 9, 1), H1_END)
                stage = self.rng.choices(range(1, 9), weights=[4, 10, 12, 10, 5, 3, 2, 2])[0]
                spec.steps = self.steps(stage, {1: lead}, industry=spec.industry)

    def group_edges(self) -> None:
        """Projects that must NOT count in the 2022 H1 figures."""
        rng = self.rng

        def amount() -> Decimal:
            return Decimal(rng.randrange(2000, 50000, 100))

        # 暂缓 / 终止 on or before 30 June, unsigned: not negotiating.
        for status, day, stage in (("暂缓", dt.date(2021, 12, 20), 4), ("暂缓", dt.date(2022, 4, 15), 6),
                                   ("终止", dt.date(2022, 3, 28), 3), ("终止", H1_END, 5)):
            spec = self.add(self.new_spec("edge", amount()))
            lead = self.lead_before(day, 40, 200)
            spec.steps = self.steps(stage, {1: lead}, until=day, industry=spec.industry)
            spec.statuses = [(status, day, rng.choice(PAUSE_REASONS if status == "暂缓" else STOP_REASONS))]
        # Leads first recorded after 30 June (one on 1 July).
        for i in range(6):
            spec = self.add(self.new_spec("edge", amount()))
            lead = JULY_1 if i == 0 else self.date_between(JULY_1, dt.date(2022, 8, 25))
            spec.steps = self.steps(rng.randint(1, 4), {1: lead}, industry=spec.industry)
        # Signed in H1 (现场签约), entered in July (one on 1 July): neither 入库 in H1 nor negotiating.
        for library in (JULY_1, dt.date(2022, 7, 20)):
            spec = self.add(self.new_spec("edge", Decimal(rng.randrange(10000, 40000, 100))))
            spec.signing_mode = "现场签约"
            sign = self.date_between(dt.date(2022, 4, 1), dt.date(2022, 6, 20))
            spec.steps = self.steps(11, {1: self.lead_before(sign, 60, 200), 9: sign, 10: library}, industry=spec.industry)
        # 云签约 signed in 2021, entered on 31 December 2021.
        spec = self.add(self.new_spec("edge", Decimal(25000)))
        spec.signing_mode = "云签约"
        sign = dt.date(2021, 11, 18)
        spec.steps = self.steps(14, {1: dt.date(2021, 6, 7), 9: sign, 10: dt.date(2021, 12, 31)}, industry=spec.industry)
        # Signed and entered in 2021, 终止 in March 2022.
        spec = self.add(self.new_spec("edge", Decimal(18000)))
        spec.signing_mode = "现场签约"
        spec.steps = self.steps(12, {1: dt.date(2021, 3, 15), 9: dt.date(2021, 7, 9), 10: dt.date(2021, 9, 2)},
                                until=dt.date(2022, 3, 1), industry=spec.industry)
        spec.statuses = [("终止", dt.date(2022, 3, 25), "投资方战略调整，终止合作")]

    # -- the remaining fields ------------------------------------------------------------------

    def complete(self, spec: _Spec) -> None:
        rng = self.rng
        kind = self.kind(spec.industry)
        self.add_company(spec.investor, spec.company_region, spec.industry)
        stage = spec.stage
        derived = derive_stage(spec.steps)
        if not spec.township:
            spec.township = rng.choice(TOWNSHIPS_BY_KIND[kind])
        if not spec.responsible_unit:
            spec.responsible_unit = rng.choice(RESPONSIBLE_UNITS[spec.industry])
        if not spec.first_unit:
            spec.first_unit = rng.choices(
                ["县招商服务中心", "招商工作专班", spec.township, spec.responsible_unit, rng.choice(defaults.DEPARTMENTS)],
                weights=[25, 20, 25, 20, 10],
            )[0]
        if spec.is_key is None:
            spec.is_key = spec.total >= 30000
        if spec.leader is None and stage >= 3:
            if spec.total >= 100000:
                pool = ["L_SECRETARY", "L_MAYOR"]
            elif spec.total >= 30000:
                pool = ["L_MAYOR", "L_DEPUTY_SECRETARY", "L_EXECUTIVE", "L_STANDING_1", "L_STANDING_2", "L_STANDING_3"]
            else:
                pool = ["L_EXECUTIVE", "L_STANDING_1", "L_STANDING_2", "L_STANDING_3", "L_VICE_1", "L_VICE_2", "L_VICE_3"]
            spec.leader = rng.choice(pool)
        if spec.fixed_asset is None:
            share = Decimal(str(round(rng.uniform(0.55, 0.92), 2)))
            fixed = (spec.total * share).quantize(Decimal(1))
            if fixed >= 1000:
                fixed = (fixed / 100).to_integral_value() * 100
            spec.fixed_asset = min(fixed, spec.total)
        if spec.land_area is None:
            per_mu = {"industrial": (300, 650), "farming": (40, 160), "tourism": (30, 120), "commerce": (400, 900)}[kind]
            base = spec.fixed_asset if kind in ("industrial", "commerce") else spec.total
            spec.land_area = (base / Decimal(rng.randint(*per_mu))).quantize(Decimal("0.1"))
        if not spec.content:
            spec.content = f"{spec.investor}拟投资建设{spec.name}项目，{CONTENT_ENDINGS[kind]}"
        if not spec.progress_text:
            status = spec.statuses[-1] if spec.statuses else None
            if status and status[0] == "暂缓":
                spec.progress_text = f"暂缓：{status[2]}"
            elif status and status[0] == "终止":
                spec.progress_text = f"已终止：{status[2]}"
            else:
                spec.progress_text = PROGRESS_BY_STAGE[stage]
        self.money(spec, derived)

    def money(self, spec: _Spec, derived) -> None:
        rng = self.rng

        def part(low: float, high: float) -> Decimal:
            return (spec.total * Decimal(str(round(rng.uniform(low, high), 2)))).quantize(Decimal(1))

        if derived.signed_on:
            spec.amounts["signed_amount"] = spec.total
        if derived.library_on:
            spec.amounts["annual_plan_investment"] = part(0.15, 0.45)
        if derived.started_on:
            done = part(0.85, 1.0) if derived.operating_on else part(0.1, 0.6)
            if spec.name == "久策气体（将乐）":
                done = Decimal(10400)  # 一期 1.3亿元, 土建 80%
            spec.amounts["completed_investment"] = done
            spec.amounts["arrived_funds"] = min(spec.total, (done * Decimal("1.1")).quantize(Decimal(1)))


def _generate(seed: int = DEMO_SEED) -> _Generator:
    generator = _Generator(seed)
    generator.build()
    return generator


# ---------------------------------------------------------------------------------------------


def _target_path(path: str | os.PathLike) -> Path:
    target = sqlite_path_from_url(os.fspath(path))
    if target is None:
        raise DatabaseError("演示数据只能生成为本地数据库文件（SQLite），不能写入服务器数据库")
    return target


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        extra = Path(str(path) + suffix)
        try:
            extra.unlink()
        except FileNotFoundError:
            pass


def build_demo(path: str | os.PathLike, *, force: bool = False, progress: Progress | None = None) -> DemoSummary:
    """Build the demo database of 将乐县 2022 at `path`; returns what it made.

    Refuses an existing file unless `force`. `progress(done, total)` is called as the work goes on;
    returning False cancels (UserError “已取消”), and nothing is left behind. The file is built
    under a temporary name beside the target and renamed into place only when complete. On return
    the new demo database is the open database.
    """
    target = _target_path(path)
    if target.is_dir():
        raise DatabaseError(f"这是一个文件夹，不是数据库文件：{target}")
    if target.exists() and not force:
        raise DatabaseError(f"文件已存在，不会覆盖：{target}（如确需重建，请加 --force）")
    if not target.parent.is_dir():
        raise DatabaseError(f"文件夹不存在：{target.parent}")

    def report(done: int, total: int) -> None:
        if progress is not None and progress(done, total) is False:
            raise UserError("已取消")

    generator = _generate()
    report(0, len(generator.specs) + 4)  # a cancel here has touched nothing
    temporary = target.with_name(f".{target.name}.{os.getpid()}.building")
    succeeded = False
    try:
        init_database(temporary, name=DEMO_INSTALLATION_NAME, prefix=defaults.DEFAULT_CODE_PREFIX, overwrite=True)
        # The demo's thousands of rows are not anybody's edits: no trail (demo_users clears what is left).
        with database.atomic(), audit_suspended():
            set_setting(SETTING_IS_DEMO, "1")
            summary = _write(generator, report)
            run_demo_extensions()
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        try:
            _remove_database_files(target)
        except PermissionError as exc:  # Windows: a window has the old demo open (Linux lets it go)
            raise DatabaseError(f"演示数据库正在使用中，无法替换：{target}（请先关闭打开它的招商工作台窗口）") from exc
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise DatabaseError(f"无法写入演示数据库 {target}：{exc.strerror or exc}") from exc
        _remove_database_files(temporary)  # -wal/-shm left by the build, if any
        succeeded = True
    finally:
        if not succeeded:
            db.close()
            database.initialize(None)  # never leave the proxy pointing at the removed file
            _remove_database_files(temporary)
    db.connect(target)
    return DemoSummary(path=target, **summary)


def demo_extensions() -> list:
    """The modules that add a feature's demo data on top of the projects: `desktop.services.demo_*`.

    Each has `DEMO_ORDER` (an int; lower runs first) and `populate_demo()`, which writes through the
    open database inside the build's transaction and must keep REFERENCE_FIGURES exactly as they are.
    A feature adds its demo data by adding such a module, without touching this one.
    """
    import importlib
    import pkgutil

    import desktop.services as services_package

    modules = []
    for info in pkgutil.iter_modules(services_package.__path__):
        if info.name.startswith("demo_"):
            modules.append(importlib.import_module(f"desktop.services.{info.name}"))
    modules.sort(key=lambda module: (getattr(module, "DEMO_ORDER", 100), module.__name__))
    return modules


def run_demo_extensions() -> None:
    for module in demo_extensions():
        module.populate_demo()


def _write(generator: _Generator, report: Callable[[int, int], None]) -> dict:
    specs = generator.specs
    total_work = len(specs) + 4
    done = 0

    units = {name: uid for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    step_ids = {number: sid for sid, number in LifecycleStep.select(LifecycleStep.id, LifecycleStep.number).tuples()}

    # Office landlines of the county seat (0598-22xxxxx), one a person, so the 电话 column is not empty.
    people = [
        {"name": name, "title": title, "unit": None, "is_leader": True, "phone": f"0598-22{31001 + i * 7:05d}"}
        for i, (_, name, title) in enumerate(LEADERS)
    ] + [
        {"name": name, "title": title, "unit": units[unit], "is_leader": False, "phone": f"0598-22{41003 + i * 13:05d}"}
        for i, (name, title, unit) in enumerate(CADRES)
    ]
    Person.insert_many(people).execute()
    person_ids = {name: pid for pid, name in Person.select(Person.id, Person.name).tuples()}
    leader_ids = {key: person_ids[name] for key, name, _ in LEADERS}
    done += 1
    report(done, total_work)

    companies = [
        {"name": name, "name_norm": normalise_name(name), "name_initials": pinyin_initials(name),
         "region": region, "industry": industry}
        for name, (region, industry) in sorted(generator.companies.items())
    ]
    for batch in chunked(companies, 100):
        Company.insert_many(batch).execute()
    company_ids = {name: cid for cid, name in Company.select(Company.id, Company.name).tuples()}
    done += 1
    report(done, total_work)

    # Codes PREFIX-YEAR-NNNN by the year the project was registered (its lead), in lead order.
    ordered = sorted(specs, key=lambda s: (s.lead_on, s.name))
    counters: dict[int, int] = {}
    project_rows = []
    codes: dict[str, str] = {}
    for spec in ordered:
        year = spec.lead_on.year
        counters[year] = counters.get(year, 0) + 1
        code = f"{defaults.DEFAULT_CODE_PREFIX}-{year}-{counters[year]:04d}"
        codes[spec.name] = code
        derived = derive_stage(spec.steps)
        status = spec.statuses[-1][0] if spec.statuses else "正常"  # the latest change (dates ascend)
        amounts = spec.amounts
        contact_name = generator.rng.choice("陈林黄张李王吴刘蔡杨郑许")
        project_rows.append({
            "code": code,
            "name": spec.name,
            "name_norm": normalise_name(spec.name),
            "name_initials": pinyin_initials(spec.name),
            "investor": company_ids[spec.investor],
            "industry": spec.industry,
            "chain_link": spec.chain_link,
            "content": spec.content,
            "total_investment": spec.total,
            "fixed_asset_investment": spec.fixed_asset,
            "signed_amount": amounts.get("signed_amount"),
            "arrived_funds": amounts.get("arrived_funds"),
            "annual_plan_investment": amounts.get("annual_plan_investment"),
            "completed_investment": amounts.get("completed_investment"),
            "land_area": spec.land_area,
            "progress_text": spec.progress_text,
            "township": units[spec.township],
            "responsible_unit": units[spec.responsible_unit],
            "first_unit": units[spec.first_unit],
            "leader": leader_ids[spec.leader] if spec.leader else None,
            "signing_mode": spec.signing_mode,
            "is_key": bool(spec.is_key),
            "contact": f"{contact_name}经理 1{generator.rng.randint(30, 89)}****{generator.rng.randint(0, 9999):04d}",
            "remarks": "",
            "status": status,
            "stage_no": derived.stage_no,
            "signed_on": derived.signed_on,
            "library_on": derived.library_on,
            "started_on": derived.started_on,
            "operating_on": derived.operating_on,
            "created_at": dt.datetime.combine(spec.lead_on, dt.time(9, 0)),
        })
    for batch in chunked(project_rows, 50):
        Project.insert_many(batch).execute()
    project_ids = {code: pid for pid, code in Project.select(Project.id, Project.code).tuples()}
    done += 1
    report(done, total_work)

    step_rows = []
    status_rows = []
    for spec in ordered:
        project_id = project_ids[codes[spec.name]]
        first_unit, responsible = units[spec.first_unit], units[spec.responsible_unit]
        for number, day, not_applicable in spec.steps:
            credited = first_unit if number in defaults.STEPS_CREDITED_TO_FIRST_UNIT else responsible
            if not_applicable:
                credited = None  # 不涉及 earns no points, so no unit is credited
            note = "" if not_applicable else STEP_NOTES.get(number, "")
            step_rows.append({"project": project_id, "step": step_ids[number], "done_on": day,
                              "not_applicable": not_applicable, "unit": credited, "note": note})
        for status, day, reason in spec.statuses:
            status_rows.append({"project": project_id, "status": status, "changed_on": day, "reason": reason})
        done += 1
        report(done, total_work)
    for batch in chunked(step_rows, 200):
        StepRecord.insert_many(batch).execute()
    for batch in chunked(status_rows, 200):
        StatusChange.insert_many(batch).execute()
    done += 1
    report(done, total_work)
    return {
        "projects": len(project_rows),
        "units": len(units),
        "people": len(people),
        "companies": len(companies),
        "step_records": len(step_rows),
    }
