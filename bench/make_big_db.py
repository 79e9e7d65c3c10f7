"""Generate a database of N projects (default 100,000) for benchmarks: python bench/make_big_db.py PATH [N]."""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = ["新型", "铝材", "精细化工", "有机硅", "钛白粉", "食品添加剂", "香菇", "灵芝", "电子元器件", "变压器",
         "机械制造", "康养", "物流", "环保材料", "生物科技", "竹木加工", "光伏", "储能", "包装", "医药中间体"]
FORMS = ["产业园", "生产线", "加工项目", "基地", "综合体", "扩建项目", "技改项目"]
REGIONS = ["福建", "厦门", "福州", "三明", "浙江", "广东", "上海", "江苏"]


def make(path: Path, count: int = 100_000, seed: int = 7) -> None:
    from desktop.db import database
    from desktop.models import Company, Project, Unit
    from desktop.models.base import new_uuid, now
    from desktop.services.database import init_database
    from desktop.services.text import normalise_name, pinyin_initials

    init_database(path, overwrite=True)
    rng = random.Random(seed)
    units = [u.id for u in Unit.select(Unit.id)]
    townships = [u.id for u in Unit.select(Unit.id).where(Unit.kind == "乡镇")]
    initials_cache: dict[str, str] = {}

    def initials(text: str) -> str:
        if text not in initials_cache:
            initials_cache[text] = pinyin_initials(text)
        return initials_cache[text]

    stamp = now()
    with database.atomic():
        companies = []
        for i in range(count // 4):
            name = f"{rng.choice(REGIONS)}{rng.choice(WORDS)}{i}有限公司"
            companies.append({"name": name, "name_norm": normalise_name(name), "name_initials": initials(name),
                              "uuid": new_uuid(), "updated_at": stamp})
        for start in range(0, len(companies), 2000):
            Company.insert_many(companies[start:start + 2000]).execute()
        company_ids = [c for (c,) in Company.select(Company.id).tuples()]
        rows = []
        for i in range(count):
            year = rng.choice((2021, 2022, 2023, 2024, 2025))
            name = f"年产{rng.randint(1, 50)}万吨{rng.choice(WORDS)}{rng.choice(FORMS)}"
            stage = rng.randint(0, 23)
            rows.append({
                "code": f"JL-{year}-{i + 1:06d}", "name": name, "name_norm": normalise_name(name),
                "name_initials": initials(name), "investor": rng.choice(company_ids),
                "industry": rng.choice(["精细化工", "轻合金", "特色农林", "森林康养", "电子信息"]),
                "total_investment": rng.randint(500, 300000), "township": rng.choice(townships),
                "responsible_unit": rng.choice(units), "first_unit": rng.choice(units),
                "stage_no": stage, "status": rng.choice(["正常"] * 8 + ["暂缓", "终止"]),
                "is_key": rng.random() < 0.1,
                "library_on": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)) if stage >= 10 else None,
                "uuid": new_uuid(), "updated_at": stamp, "created_at": stamp,
            })
            if len(rows) == 2000:
                Project.insert_many(rows).execute()
                rows = []
        if rows:
            Project.insert_many(rows).execute()


if __name__ == "__main__":
    target = Path(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    t0 = time.perf_counter()
    make(target, n)
    print(f"generated {n} projects in {time.perf_counter() - t0:.1f} s → {target}")
