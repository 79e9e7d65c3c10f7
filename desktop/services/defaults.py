"""The default data a new database starts with: the 23 lifecycle steps, the county's units.

Everything here is editable data once it is in the database; these are proposals (DESIGN.md).
"""

from __future__ import annotations

# (number, phase, name, points, optional, milestone)
DEFAULT_STEPS = [
    (1, "线索", "线索登记", 1, False, ""),
    (2, "线索", "专人对接（1日内响应）", 1, False, ""),
    (3, "洽谈", "首次洽谈/走访", 2, False, ""),
    (4, "洽谈", "实地考察", 2, False, ""),
    (5, "初审", "提交初审", 2, False, ""),
    (6, "初审", "初审通过", 3, False, ""),
    (7, "决策", "集体决策同意", 3, False, ""),
    (8, "签约", "签订框架协议", 4, False, ""),
    (9, "签约", "签订正式协议（含云签约）", 10, False, "签约"),
    (10, "入库", "入库", 5, False, "入库"),
    (11, "落地", "企业注册", 3, False, ""),
    (12, "落地", "项目备案/立项", 3, False, ""),
    (13, "审批", "能评（节能审查）", 2, True, ""),
    (14, "审批", "环评", 2, True, ""),
    (15, "审批", "安评", 2, True, ""),
    (16, "要素", "供地（出让合同）", 5, True, ""),
    (17, "审批", "规划许可", 3, True, ""),
    (18, "审批", "施工许可", 3, True, ""),
    (19, "开工", "开工", 15, False, "开工"),
    (20, "到资", "资金到位", 5, False, ""),
    (21, "建设", "竣工验收", 5, False, ""),
    (22, "投产", "投产", 20, False, "投产"),
    (23, "达效", "上规/达产", 10, False, ""),
]

# The stage shown in lists and offered as a filter, by phase: a project at 资金到位 is 在建 to a
# reader, and the approvals after landing read as one stage. Phases not listed show as themselves.
STAGE_OF_PHASE = {
    "落地": "落地审批", "审批": "落地审批", "要素": "落地审批",
    "开工": "在建", "到资": "在建", "建设": "竣工",
}

MILESTONE_STEPS = {"签约": 9, "入库": 10, "开工": 19, "投产": 22}
STEP_SIGNED, STEP_LIBRARY, STEP_STARTED, STEP_OPERATING = 9, 10, 19, 22
# Steps 1–2 are credited to the first-reporting unit, the rest to the responsible unit.
STEPS_CREDITED_TO_FIRST_UNIT = (1, 2)

# The 13 townships of 将乐县.
TOWNSHIPS = [
    "古镛镇", "万安镇", "高唐镇", "白莲镇", "黄潭镇", "水南镇",
    "光明乡", "漠源乡", "南口乡", "万全乡", "安仁乡", "大源乡", "余坊乡",
]

DEPARTMENTS = [
    "县招商服务中心", "县发改局", "县工信局", "县商务局", "县自然资源局", "县生态环境局",
    "县应急管理局", "县住建局", "县财政局", "县农业农村局", "县林业局", "县文体旅局",
    "县市场监管局", "县行政服务中心", "招商工作专班",
]

PARKS = ["将乐经济开发区"]

INDUSTRIES = [
    "精细化工", "轻合金", "新材料", "特色农林", "森林康养", "机械制造",
    "电子信息", "生物医药", "食品加工", "商贸物流", "文旅服务", "新能源",
]

DEFAULT_INSTALLATION_NAME = "将乐县招商服务中心"
DEFAULT_CODE_PREFIX = "JL"
