"""Demo data for the scoring board: the 通报 the centre issued for the first and the second quarter of
2022, frozen as issued (积分榜 → 已发布通报 is not empty, and a township receives them by exchange).
Publishing reads the board and writes only the 通报 table, so the reference figures stay as they are.
"""

from __future__ import annotations

import datetime as dt

from desktop.services import scoring

DEMO_ORDER = 70  # after every extension that adds steps or units (the boards must show them)

# (quarter, 文号, issued on): early in the month after the quarter, as the centre does.
ISSUED = (
    (1, "将招商〔2022〕12号", dt.date(2022, 4, 8)),
    (2, "将招商〔2022〕27号", dt.date(2022, 7, 7)),
)


def populate_demo() -> None:
    for quarter, number, issued_on in ISSUED:
        scoring.publish_bulletin(scoring.quarter_period(2022, quarter), number=number, published_on=issued_on)
