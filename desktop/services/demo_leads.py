"""Demo data for leads, 乡贤, forums, investors, industry chains and the 帮办代办 checklists.

The article: “乡贤座谈会 10 余场，线索 60 余条” — here 12 forums in January–June 2022 (and one in July,
outside the period) with 66 leads raised at them, plus leads from other sources. Some leads became
projects: they are linked to existing projects that were still under negotiation on 30 June (the
72), reported first by the same unit, so no project, step or status changes and the ten reference
figures stay exactly as they are. Approval checklists are written directly (no step is recorded):
an item is 已办结 only where the project already has the matching step. Deterministic (a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import random

from desktop.models import Company, LifecycleStep, Person, Project, StatusChange, StepRecord, Unit
from desktop.models.approvals import ApprovalCatalogItem, ApprovalItem
from desktop.models.chains import Chain, ChainCompany, ChainLink, TargetCompany
from desktop.models.leads import CompanyContact, Forum, ForumAttendee, Lead, LeadFollowUp, Xiangxian
from desktop.services.investors import CODE_CHARSET, credit_code_check_char
from desktop.services.text import normalise_name, pinyin_initials

DEMO_ORDER = 60

AS_OF = dt.date(2022, 6, 30)
DEMO_END = dt.date(2022, 8, 31)
SEED = 20220630 + 60

# (name, home township, city, company, industry, keeper)
XIANGXIAN = [
    ("廖启明", "古镛镇", "福州", "福州闽江铝材有限公司", "轻合金", "罗国栋"),
    ("黄德昌", "水南镇", "厦门", "厦门鹭华贸易有限公司", "商贸物流", "肖雅琴"),
    ("邱建民", "高唐镇", "上海", "上海申联精细化工有限公司", "精细化工", "叶志强"),
    ("吴伟强", "万安镇", "深圳", "深圳鹏程电子科技有限公司", "电子信息", "杨思远"),
    ("张海生", "白莲镇", "广州", "广州穗丰食品有限公司", "食品加工", "蔡晓敏"),
    ("刘宏远", "黄潭镇", "杭州", "杭州钱塘新材料有限公司", "新材料", "许文杰"),
    ("陈秀兰", "光明乡", "福州", "福建绿野生态农业有限公司", "特色农林", "傅秀英"),
    ("谢金水", "漠源乡", "泉州", "泉州晋兴机械有限公司", "机械制造", "邓建新"),
    ("林少华", "南口乡", "厦门", "厦门海沧医药有限公司", "生物医药", "魏振宇"),
    ("郑国荣", "万全乡", "上海", "上海浦江康旅投资有限公司", "森林康养", "康晓峰"),
    ("罗春生", "安仁乡", "深圳", "深圳华能储能科技有限公司", "新能源", "曾丽华"),
    ("余志刚", "大源乡", "广州", "广州南沙物流有限公司", "商贸物流", "彭永福"),
    ("杨丽娟", "余坊乡", "福州", "福州榕城竹木制品有限公司", "特色农林", "严立新"),
    ("肖永福", "古镛镇", "杭州", "杭州西湖铝业有限公司", "轻合金", "施小龙"),
    ("范文斌", "水南镇", "泉州", "泉州丰泽新型建材有限公司", "新材料", "黎明军"),
    ("朱明亮", "高唐镇", "三明", "三明沙溪化工有限公司", "精细化工", "江海涛"),
    ("何美玉", "万安镇", "厦门", "厦门同安食品有限公司", "食品加工", "朱红梅"),
    ("苏建设", "白莲镇", "上海", "上海松江汽车部件有限公司", "机械制造", "范志明"),
    ("温丽芳", "黄潭镇", "深圳", "深圳南山光电有限公司", "电子信息", "潘志华"),
    ("汤振兴", "光明乡", "福州", "福州马尾船舶配件有限公司", "机械制造", "马俊杰"),
    ("傅家豪", "漠源乡", "杭州", "杭州萧山化纤有限公司", "新材料", "戴文华"),
    ("严冬梅", "南口乡", "广州", "广州天河康养管理有限公司", "森林康养", "上官伟"),
    ("康志成", "万全乡", "福州", "福建闽康中药材有限公司", "生物医药", "欧阳敏"),
    ("童建国", "安仁乡", "厦门", "厦门翔安铝合金门窗有限公司", "轻合金", "钟国良"),
    ("潘晓峰", "大源乡", "泉州", "泉州安溪茶业有限公司", "特色农林", "罗国栋"),
    ("黎天佑", "余坊乡", "上海", "上海嘉定新能源有限公司", "新能源", "肖雅琴"),
    ("马国华", "古镛镇", "深圳", "深圳宝安精密制造有限公司", "机械制造", "叶志强"),
    ("戴淑珍", "水南镇", "南平", "南平武夷文旅发展有限公司", "森林康养", "杨思远"),
    ("钟伟明", "高唐镇", "福州", "福州仓山电子有限公司", "电子信息", "蔡晓敏"),
    ("欧阳志远", "万安镇", "北京", "北京中关村生物科技有限公司", "生物医药", "许文杰"),
]

# (title, kind, date, place, organiser unit, city of the attendees or None for everyone)
FORUMS = [
    ("福州将乐乡贤新春座谈会", "乡贤座谈会", dt.date(2022, 1, 15), "福州将乐大厦会议室", "县招商服务中心", "福州"),
    ("春节返乡乡贤恳谈会", "乡贤座谈会", dt.date(2022, 2, 3), "将乐县会议中心", "县招商服务中心", None),
    ("厦门将乐乡贤座谈会", "乡贤座谈会", dt.date(2022, 2, 26), "厦门将乐商会会所", "县商务局", "厦门"),
    ("上海将乐籍企业家座谈会", "乡贤座谈会", dt.date(2022, 3, 12), "上海福建大厦", "招商工作专班", "上海"),
    ("深圳将乐乡贤座谈会", "乡贤座谈会", dt.date(2022, 3, 26), "深圳福建商会会议室", "将乐经济开发区", "深圳"),
    ("广州将乐商会招商推介会", "商会", dt.date(2022, 4, 9), "广州福建商会", "县商务局", "广州"),
    ("杭州将乐乡贤座谈会", "乡贤座谈会", dt.date(2022, 4, 23), "杭州闽商大厦", "县工信局", "杭州"),
    ("水南镇乡贤回乡座谈会", "乡贤座谈会", dt.date(2022, 5, 4), "水南镇政府会议室", "水南镇", None),
    ("“云上将乐”线上招商洽谈会", "云洽谈", dt.date(2022, 5, 18), "线上（视频会议）", "县招商服务中心", None),
    ("三明市将乐商会恳谈会", "商会", dt.date(2022, 5, 28), "三明市将乐商会", "县商务局", "三明"),
    ("高唐镇乡贤座谈会", "乡贤座谈会", dt.date(2022, 6, 11), "高唐镇政府会议室", "高唐镇", None),
    ("泉州将乐乡贤座谈会", "乡贤座谈会", dt.date(2022, 6, 18), "泉州将乐商会会所", "将乐经济开发区", "泉州"),
    ("古镛镇乡贤座谈会", "乡贤座谈会", dt.date(2022, 7, 16), "古镛镇政府会议室", "古镛镇", None),  # after the period
]
LEADS_PER_FORUM = [6, 6, 5, 6, 5, 5, 6, 5, 6, 5, 6, 5, 4]  # 66 in January–June

LEAD_UNITS = ["县招商服务中心", "将乐经济开发区", "县工信局", "县商务局", "招商工作专班", "古镛镇", "水南镇", "高唐镇",
              "万安镇", "县农业农村局", "县文体旅局", "县林业局"]
LEAD_INDUSTRIES = ["精细化工", "轻合金", "新材料", "特色农林", "森林康养", "机械制造", "电子信息", "生物医药", "食品加工",
                   "新能源", "商贸物流"]
LEAD_TOPICS = {
    "精细化工": ["含氟精细化学品", "电子级氢氟酸", "有机硅密封胶", "医药中间体", "水性工业涂料"],
    "轻合金": ["工业铝型材深加工", "系统门窗铝型材", "光伏铝边框", "再生铝合金锭", "汽车轻量化铝部件"],
    "新材料": ["竹纤维复合板材", "改性塑料", "环保新型墙材", "碳纤维复合材料"],
    "特色农林": ["香菇精深加工", "竹笋精深加工", "油茶种植加工", "黄精种植加工", "擂茶产业园"],
    "森林康养": ["森林康养基地", "乡村民宿集群", "研学旅行营地", "房车露营基地"],
    "机械制造": ["精密铸件", "林业机械装备", "数控机床零部件", "新能源汽车零部件"],
    "电子信息": ["光电连接器", "柔性电路板", "智能终端配件", "LED照明器件"],
    "生物医药": ["中药饮片加工", "植物提取物", "医用敷料"],
    "食品加工": ["预制菜加工", "休闲食品", "米粉加工"],
    "新能源": ["分布式光伏电站", "储能电池", "生物质发电"],
    "商贸物流": ["冷链物流园", "电商产业园", "农产品集配中心"],
}
OTHER_SOURCES = [("招商顾问", "招商顾问 周明"), ("中介", "福州海峡招商咨询公司"), ("客商", "客商 刘总"), ("小分队", "赴粤招商小分队"),
                 ("商会", "福建省闽西北商会")]
FOLLOW_UP_TEXTS = [
    ("电话联系投资方，了解投资意向和用地需求", "寄送园区招商资料", 14),
    ("投资方来将乐实地考察园区", "提供项目用地红线图", 10),
    ("与投资方负责人面谈，初步确定投资规模", "准备初审材料", 21),
    ("陪同客商走访水南片区标准厂房", "反馈厂房租金和配套条件", 7),
    ("视频洽谈，客商关注物流成本和用工", "测算物流成本", 14),
]
LEADERS = ("林志远", "陈建华", "黄明辉", "张国平", "吴晓东", "刘海燕", "郑文斌", "谢永强", "邱丽萍", "廖振华")
AGENTS = ("童美玲", "杨思远", "蔡晓敏", "许文杰", "魏振宇")

# Investors with a credit code: region → 6-digit 行政区划代码.
REGION_CODES = {
    "将乐": "350428", "三明": "350400", "福州": "350100", "厦门": "350200", "泉州": "350500", "南平": "350700",
    "龙岩": "350800", "上海": "310000", "深圳": "440300", "广东": "440000", "浙江": "330000", "江苏": "320000",
    "北京": "110000", "江西": "360000",
}
CONTACT_NAMES = ["王建军", "李晓峰", "赵丽敏", "孙志强", "周海燕", "钱文博", "冯国强", "韩雪梅", "曹立新", "袁俊峰",
                 "邓丽君", "蒋志平", "沈晓东", "宋秀梅", "唐国华", "许志勇", "郭明远", "吕海峰", "卢建红", "丁文静"]
CONTACT_TITLES = ["董事长", "总经理", "项目经理", "投资总监", "副总经理"]
# Near-duplicates of demo investors, so 查重 has something to show.
NEAR_DUPLICATES = [("福建富远铝业股份有限公司", "福建福州", "轻合金"), ("福建久策气体集团（将乐）有限公司", "福建三明", "精细化工")]

# 轻合金 “从铝熔炼到产品制造”: link position → local companies (new ones are created, region 将乐县).
ALLOY_COMPANIES = {
    1: ["福建富远铝业有限公司", "将乐县鑫铝熔铸有限公司", "将乐县华金合金铸造有限公司", "将乐县永泰铝合金有限公司"],
    2: ["将乐县恒嘉铝棒有限公司", "将乐县永宏金属材料有限公司"],
    3: ["福建富远铝业有限公司", "将乐县瑞天铝型材有限公司", "将乐县中盛挤压型材有限公司", "将乐县泰德铝业有限公司",
        "将乐县锦龙轻合金科技有限公司"],
    4: ["将乐县宝信表面处理有限公司", "将乐县诚达精密加工有限公司"],
    5: ["将乐县凯泰门窗幕墙有限公司", "将乐县绿博汽车部件有限公司", "将乐县众海电子结构件有限公司",
        "将乐县博丰铝制品有限公司", "将乐县德顺金属制品有限公司", "将乐县兴源铝合金模板有限公司",
        "将乐县顺达散热器有限公司", "将乐县金辉铝箔有限公司", "将乐县鑫晖源机械制造有限公司"],
    6: [],
}
OTHER_CHAIN_COMPANIES = {
    "精细化工": {1: ["福建久策气体集团有限公司", "将乐县氟源化工有限公司", "将乐县硅宝化学有限公司"],
             2: ["将乐县恒信化学科技有限公司"], 3: [], 4: ["将乐县中瑞新材料有限公司"]},
    "特色农林": {1: ["福建将乐富硒农业发展有限公司", "将乐县林木种苗有限公司", "将乐县竹海生态农业有限公司"],
             2: ["将乐县金溪竹业有限公司", "将乐县擂茶食品有限公司"], 3: ["福建将乐富硒农业发展有限公司"], 4: [], 5: ["将乐县闽源电商有限公司"]},
    "森林康养": {1: ["将乐县龙栖山生态旅游有限公司"], 2: ["将乐县金溪康养产业有限公司"], 3: ["将乐县玉华洞旅游开发有限公司", "将乐县古城文旅发展有限公司"], 4: []},
}
TARGET_FIRMS = ["华金", "鑫恒", "嘉永", "宏中", "瑞天", "康绿", "博众", "海凯", "泰德", "顺兴", "锦宝", "龙信", "诚闽", "源泰",
                "盛达", "丰发", "润祥", "晟泽", "隆昌", "合邦"]
TARGET_ENDINGS = {"轻合金": "铝业集团有限公司", "精细化工": "化学股份有限公司", "特色农林": "农业科技有限公司", "森林康养": "文旅集团有限公司"}
TARGET_REGIONS = ["广东佛山", "浙江杭州", "江苏无锡", "上海", "福建厦门", "福建福州", "山东", "河南", "广东深圳", "江西赣州"]
TARGET_ACTIONS = ["上门拜访，递送招商推介材料", "邀请来将乐实地考察", "商谈投资协议条款", "对接用地和能耗指标", "赴总部洽谈",
                  "视频会议对接项目方案", "组织产业链专题推介会"]
TARGET_UNITS = ["将乐经济开发区", "县工信局", "招商工作专班", "县商务局", "县招商服务中心"]
CHECKLIST_PROJECTS = ("富远新型铝材产业园", "久策气体（将乐）", "富硒香菇三产融合", "水木海清生物科技")


def populate_demo() -> None:
    rng = random.Random(SEED)
    units = {name: uid for uid, name in Unit.select(Unit.id, Unit.name).tuples()}
    people = {name: pid for pid, name in Person.select(Person.id, Person.name).tuples()}
    xiangxian = _xiangxian(units, people)
    forums = _forums(rng, units, xiangxian)
    _leads(rng, units, people, xiangxian, forums)
    _investors(rng)
    _chains(rng, units, people)
    _checklists(rng, people)


def _xiangxian(units: dict, people: dict) -> list[tuple[int, str, str]]:
    """(id, city, industry) of each 乡贤."""
    result = []
    for index, (name, township, city, company, industry, keeper) in enumerate(XIANGXIAN):
        phone = f"13{(index * 7) % 10}{59000000 + index * 371:08d}"[:11]
        row = Xiangxian.create(name=name, home_township=units.get(township), city=city, company=company,
                               industry=industry, phone=phone, keeper=people.get(keeper),
                               notes="春节返乡期间走访" if index % 5 == 0 else "")
        result.append((row.id, city, industry))
    return result


def _forums(rng: random.Random, units: dict, xiangxian: list) -> list[tuple[Forum, list[int]]]:
    result = []
    attendees = []
    for title, kind, held_on, place, organiser, city in FORUMS:
        forum = Forum.create(title=title, kind=kind, held_on=held_on, place=place, organiser=units.get(organiser),
                             notes=f"{organiser}组织，县领导出席并推介将乐投资环境")
        local = [xid for xid, home_city, _ in xiangxian if city is None or home_city == city]
        if len(local) < 3:
            local += rng.sample([xid for xid, *_ in xiangxian if xid not in local], 3)
        chosen = sorted(set(rng.sample(local, min(len(local), rng.randint(4, 8)))))
        attendees += [{"forum": forum.id, "xiangxian": xid} for xid in chosen]
        result.append((forum, chosen))
    ForumAttendee.insert_many(attendees).execute()
    return result


def _negotiating_projects() -> list[tuple[int, str, str, int, dt.date]]:
    """(id, name, investor, first unit id, first step date) of projects still negotiating on 30 June."""
    signed = {pid for (pid,) in StepRecord.select(StepRecord.project).join(LifecycleStep)
              .where((LifecycleStep.number == 9) & (StepRecord.done_on <= AS_OF)).tuples()}
    last_status: dict[int, tuple[dt.date, str]] = {}
    for pid, status, day in (StatusChange.select(StatusChange.project, StatusChange.status, StatusChange.changed_on)
                             .where(StatusChange.changed_on <= AS_OF).order_by(StatusChange.changed_on, StatusChange.id).tuples()):
        last_status[pid] = (day, status)
    not_normal = {pid for pid, (_, status) in last_status.items() if status != "正常"}
    first_step: dict[int, dt.date] = {}
    for pid, day in StepRecord.select(StepRecord.project, StepRecord.done_on).where(StepRecord.done_on <= AS_OF).tuples():
        if pid not in first_step or day < first_step[pid]:
            first_step[pid] = day
    investors = dict(Company.select(Company.id, Company.name).tuples())
    rows = []
    for pid, name, investor_id, unit_id in (Project.select(Project.id, Project.name, Project.investor, Project.first_unit)
                                            .order_by(Project.code).tuples()):
        if pid in first_step and pid not in signed and pid not in not_normal and unit_id:
            rows.append((pid, name, investors.get(investor_id, ""), unit_id, first_step[pid]))
    return rows


def _responded(rng: random.Random, received: dt.date, index: int) -> dt.date | None:
    if index % 11 == 5:
        return None  # still waiting for a responsible person: shows as overdue
    if index % 9 == 4:
        return received + dt.timedelta(days=4)  # named late
    day = received + dt.timedelta(days=rng.choice((0, 0, 1)))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _leads(rng: random.Random, units: dict, people: dict, xiangxian: list, forums: list) -> None:
    unit_people = {}
    for pid, unit_id in Person.select(Person.id, Person.unit).where(Person.is_leader == False).tuples():  # noqa: E712
        unit_people.setdefault(unit_id, []).append(pid)
    centre_people = unit_people.get(units.get("县招商服务中心"), [])
    industry_of = {xid: industry for xid, _, industry in xiangxian}
    company_of = {row.id: row.company for row in Xiangxian.select(Xiangxian.id, Xiangxian.company)}
    leads: list[Lead] = []
    used_titles = set()

    def title_for(industry: str) -> str:
        for _ in range(30):
            topic = rng.choice(LEAD_TOPICS[industry])
            title = f"{topic}项目"
            if title not in used_titles:
                break
            title = f"{rng.choice(TARGET_FIRMS)}{topic}项目"
            if title not in used_titles:
                break
        used_titles.add(title)
        return title

    # Converted leads first: projects still negotiating on 30 June, each at a forum shortly before it started.
    candidates = [p for p in _negotiating_projects() if dt.date(2022, 1, 20) <= p[4] <= AS_OF]
    rng.shuffle(candidates)
    converted_at: dict[int, list] = {}
    in_period = [(forum, chosen) for forum, chosen in forums if forum.held_on <= AS_OF]
    for pid, name, investor, unit_id, first_day in candidates:
        earlier = [(forum, chosen) for forum, chosen in in_period if 0 <= (first_day - forum.held_on).days <= 30]
        if not earlier:
            continue
        forum, chosen = earlier[-1]
        if len(converted_at.get(forum.id, [])) >= 2:
            continue
        converted_at.setdefault(forum.id, []).append((pid, name, investor, unit_id))
        if sum(len(v) for v in converted_at.values()) >= 9:
            break

    index = 0
    for (forum, chosen), count in zip(forums, LEADS_PER_FORUM):
        for number in range(count):
            xid = chosen[number % len(chosen)]
            linked = converted_at.get(forum.id, [])
            if number < len(linked):
                pid, name, investor, unit_id = linked[number]
                lead = dict(title=name, first_unit=unit_id, project=pid, status="已转化", investor_name=investor,
                            industry=industry_of[xid], grade="A")
                used_titles.add(name)
            else:
                industry = industry_of[xid] if rng.random() < 0.6 else rng.choice(LEAD_INDUSTRIES)
                status = rng.choices(["新线索", "跟进中", "暂缓", "关闭"], weights=[3, 8, 2, 1])[0]
                unit_id = units[rng.choice(LEAD_UNITS)] if rng.random() < 0.5 else forum.organiser_id
                lead = dict(title=title_for(industry), first_unit=unit_id, status=status,
                            investor_name=company_of[xid] if rng.random() < 0.4 else "", industry=industry,
                            grade=rng.choices("ABC", weights=[2, 5, 3])[0])
                lead["estimated_investment"] = rng.choice([3000, 5000, 8000, 10000, 15000, 20000, 30000, 50000])
            responded = _responded(rng, forum.held_on, index)
            pool = unit_people.get(lead["first_unit"]) or centre_people
            leads.append(Lead.create(source_type=forum.kind, forum=forum.id, xiangxian=xid, received_on=forum.held_on,
                                     responsible_person=rng.choice(pool) if responded else None, responded_on=responded,
                                     content=f"{forum.title}上{XIANGXIAN[[x for x, *_ in xiangxian].index(xid)][0]}推介的投资意向。",
                                     **lead))
            index += 1

    # Leads from other sources, January–August 2022 (some converted, reported before the project's first step).
    others = [p for p in _negotiating_projects() if p[0] not in {l.project_id for l in leads if l.project_id}
              and dt.date(2022, 1, 5) <= p[4] <= AS_OF]
    rng.shuffle(others)
    for number in range(22):
        source_type, person = OTHER_SOURCES[number % len(OTHER_SOURCES)]
        if number < 4 and others:
            pid, name, investor, unit_id, first_day = others.pop()
            lead = dict(title=name, first_unit=unit_id, project=pid, status="已转化", investor_name=investor, grade="A",
                        received_on=first_day, industry="")
        else:
            industry = rng.choice(LEAD_INDUSTRIES)
            received = dt.date(2022, 1, 4) + dt.timedelta(days=rng.randint(0, 235))
            lead = dict(title=title_for(industry), first_unit=units[rng.choice(LEAD_UNITS)], received_on=received,
                        status=rng.choices(["新线索", "跟进中", "暂缓", "关闭"], weights=[3, 6, 2, 1])[0], industry=industry,
                        grade=rng.choices("ABC", weights=[2, 5, 3])[0],
                        estimated_investment=rng.choice([2000, 5000, 10000, 20000, 40000]))
        responded = _responded(rng, lead["received_on"], index)
        pool = unit_people.get(lead["first_unit"]) or centre_people
        leads.append(Lead.create(source_type=source_type, source_person=person, responded_on=responded,
                                 responsible_person=rng.choice(pool) if responded else None,
                                 content=f"{person}提供的投资线索。", **lead))
        index += 1

    names = {pid: name for name, pid in people.items()}
    follow_ups = []
    for lead in leads:
        if lead.status == "新线索" or not lead.responsible_person_id:
            continue
        day = lead.responded_on or lead.received_on
        for step in range(rng.randint(1, 3)):
            what, next_step, gap = FOLLOW_UP_TEXTS[(lead.id + step) % len(FOLLOW_UP_TEXTS)]
            day = day + dt.timedelta(days=rng.randint(3, 20))
            if day > DEMO_END:
                break
            follow_ups.append({"lead": lead.id, "done_on": day, "who": names.get(lead.responsible_person_id, ""),
                               "what": what, "next_step": next_step, "next_on": day + dt.timedelta(days=gap)})
    LeadFollowUp.insert_many(follow_ups).execute()


def _credit_code(rng: random.Random, region: str, used: set) -> str:
    area = next((code for key, code in REGION_CODES.items() if key in region), "350000")
    while True:
        body = "91" + area + "".join(rng.choice(CODE_CHARSET) for _ in range(9))
        code = body + credit_code_check_char(body)
        if code not in used:
            used.add(code)
            return code


def _investors(rng: random.Random) -> None:
    used: set[str] = set()
    project_investors = [cid for (cid,) in Project.select(Project.investor).where(Project.investor.is_null(False))
                         .order_by(Project.code).tuples()]
    chosen = list(dict.fromkeys(project_investors))[:40]
    contacts = []
    for number, company in enumerate(Company.select().where(Company.id.in_(chosen)).order_by(Company.id)):
        if number % 4 != 3:  # most have a code; some are still waiting for it
            company.credit_code = _credit_code(rng, company.region or "福建", used)
            company.save()
        for extra in range(1 + (number % 3 == 0)):
            name = CONTACT_NAMES[(number + extra * 7) % len(CONTACT_NAMES)]
            phone = f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            contacts.append({"company": company.id, "name": name, "title": CONTACT_TITLES[(number + extra) % len(CONTACT_TITLES)],
                             "phone": phone})
    for name, region, industry in NEAR_DUPLICATES:
        company = Company.create(name=name, name_norm=normalise_name(name), name_initials=pinyin_initials(name),
                                 region=region, industry=industry, notes="客商登记表导入时另建的记录")
        contacts.append({"company": company.id, "name": CONTACT_NAMES[len(contacts) % len(CONTACT_NAMES)], "title": "总经理",
                         "phone": f"0598-22{len(contacts):05d}"[:13]})
    CompanyContact.insert_many(contacts).execute()


def _company(name: str, industry: str) -> int:
    existing = Company.get_or_none(Company.name == name)
    if existing is not None:
        return existing.id
    return Company.create(name=name, name_norm=normalise_name(name), name_initials=pinyin_initials(name),
                          region="将乐县", industry=industry).id


def _chains(rng: random.Random, units: dict, people: dict) -> None:
    chains = {name: cid for cid, name in Chain.select(Chain.id, Chain.name).tuples()}
    plan = {"轻合金": ALLOY_COMPANIES, **OTHER_CHAIN_COMPANIES}
    places, targets = [], []
    firms = iter(TARGET_FIRMS * 3)
    for chain_name, by_position in plan.items():
        if chain_name not in chains:
            continue
        links = {position: lid for lid, position in ChainLink.select(ChainLink.id, ChainLink.position)
                 .where(ChainLink.chain == chains[chain_name]).tuples()}
        for position, link_id in sorted(links.items()):
            for company_name in by_position.get(position, []):
                places.append({"link": link_id, "company": _company(company_name, chain_name)})
            for _ in range(rng.randint(1, 3) if chain_name == "轻合金" else rng.randint(0, 2)):
                next_on = dt.date(2022, 5, 16) + dt.timedelta(days=rng.randint(0, 150))
                status = rng.choices(["待接触", "已接触", "洽谈中", "已签约", "放弃"], weights=[3, 4, 4, 1, 1])[0]
                targets.append({
                    "link": link_id, "name": f"{next(firms)}{TARGET_ENDINGS[chain_name]}", "region": rng.choice(TARGET_REGIONS),
                    "priority": rng.choices("高中低", weights=[3, 4, 2])[0], "unit": units.get(rng.choice(TARGET_UNITS)),
                    "leader": people.get(rng.choice(LEADERS)), "next_action": rng.choice(TARGET_ACTIONS),
                    "next_on": next_on, "status": status,
                })
    ChainCompany.insert_many(places).execute()
    TargetCompany.insert_many(targets).execute()


def _in_progress_since(rng: random.Random) -> dt.date:
    """Submitted between late May and late August: some past their working days on 30 June, more on 31 August."""
    days = rng.randint(0, 40) if rng.random() < 0.35 else int(rng.triangular(40, 90, 90))
    return AS_OF - dt.timedelta(days=35) + dt.timedelta(days=days)


def _checklists(rng: random.Random, people: dict) -> None:
    """Checklists for landed projects, written directly: 已办结 only where the project has the step."""
    catalog = list(ApprovalCatalogItem.select().where(ApprovalCatalogItem.active == True)  # noqa: E712
                   .order_by(ApprovalCatalogItem.sort_order))
    projects = list(Project.select().where(Project.name.in_(CHECKLIST_PROJECTS)))
    # and two entered this year but not started yet
    projects += list(Project.select().where((Project.stage_no >= 10) & (Project.stage_no < 19) & (Project.status == "正常")
                                            & (Project.library_on >= dt.date(2022, 1, 1)) & (Project.library_on <= AS_OF))
                     .order_by(Project.code).limit(3))
    agents = [people[name] for name in AGENTS if name in people]
    rows = []
    for project in projects:
        records = {number: (day, not_applicable) for number, day, not_applicable in
                   StepRecord.select(LifecycleStep.number, StepRecord.done_on, StepRecord.not_applicable)
                   .join(LifecycleStep).where(StepRecord.project == project.id).tuples()}
        started = 19 in records
        base = records.get(10, records.get(9, (dt.date(2022, 3, 1), False)))[0]
        agent = rng.choice(agents) if agents else None
        for entry in catalog:
            step = 17 if entry.name in ("建设用地规划许可", "建设工程规划许可") else entry.step_number
            row = {"project": project.id, "catalog_item": entry.id, "department": entry.department,
                   "statutory_days": entry.statutory_days, "agent": agent, "status": "未启动",
                   "submitted_on": None, "approved_on": None, "accepted_with_gaps": False, "note": ""}
            if step is not None and step in records:
                day, not_applicable = records[step]
                if not_applicable:
                    row["status"] = "不涉及"
                else:
                    row.update(status="已办结", approved_on=day,
                               submitted_on=max(base, day - dt.timedelta(days=rng.randint(3, entry.statutory_days + 5))))
                    row["submitted_on"] = min(row["submitted_on"], day)
            elif step is not None:
                if entry.name != "竣工联合验收" and rng.random() < 0.7:
                    row.update(status="办理中", submitted_on=_in_progress_since(rng),
                               accepted_with_gaps=rng.random() < 0.3)
            elif entry.name == "竣工联合验收" or entry.name == "不动产登记":
                pass
            elif started or rng.random() < 0.5:
                submitted = base + dt.timedelta(days=rng.randint(5, 40))
                if started:
                    row.update(status="已办结", submitted_on=submitted,
                               approved_on=submitted + dt.timedelta(days=rng.randint(2, entry.statutory_days)))
                else:
                    row.update(status="办理中", submitted_on=_in_progress_since(rng),
                               accepted_with_gaps=rng.random() < 0.3)
            elif entry.name in ("地震安评", "人防", "供气"):
                row["status"] = "不涉及"
            if row["approved_on"] and row["approved_on"] > DEMO_END:
                row.update(status="办理中", approved_on=None)
            rows.append(row)
    ApprovalItem.insert_many(rows).execute()
