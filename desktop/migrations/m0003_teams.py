"""Version 3: 专班 — teams (one per project, enforced by a unique key), members, policies, problems."""

VERSION = 3

# The policy list a new database offers; editable afterwards (设置 and the team form).
DEFAULT_POLICY_ITEMS = [
    "用地指标优先保障",
    "固定资产投资补助",
    "税收地方留成奖励",
    "标准厂房租金减免",
    "人才引进与安居补贴",
    "用电用水用气保障",
    "融资对接与贷款贴息",
    "帮办代办全程服务",
]


def apply(db):
    from desktop.models.team import TEAM_MODELS, PolicyItem

    db.create_tables(TEAM_MODELS, safe=True)
    if not PolicyItem.select(PolicyItem.id).exists():
        # insert_many: plain rows (defaults for uuid/updated_at still apply), no audit trail needed
        # for seed data, and no dependence on later versions' tables.
        PolicyItem.insert_many(
            [{"name": name, "sort_order": order} for order, name in enumerate(DEFAULT_POLICY_ITEMS, start=1)]
        ).execute()
