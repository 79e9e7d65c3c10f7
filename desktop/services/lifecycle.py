"""Lifecycle steps of a project: record, mark 不涉及, undo; derive the current stage and milestones.

The stage and milestone dates are derived from the step records and cached on the project row
(`stage_no`, `signed_on`, `library_on`, `started_on`, `operating_on`) every time a step changes,
so the project table reads them without a join. `derive_stage` is the one definition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from desktop.db import database
from desktop.errors import NotFoundError, UserError
from desktop.models import LifecycleStep, Project, StepRecord, Unit
from desktop.services import access, defaults


@dataclass(frozen=True)
class Derived:
    stage_no: int
    signed_on: dt.date | None
    library_on: dt.date | None
    started_on: dt.date | None
    operating_on: dt.date | None


def derive_stage(records: list[tuple[int, dt.date, bool]]) -> Derived:
    """From (step number, date, not_applicable) records: the highest step recorded is the stage
    (不涉及 counts as done for the stage); milestone dates come from steps actually done."""
    stage = max((number for number, _, _ in records), default=0)
    done = {number: day for number, day, not_applicable in records if not not_applicable}
    return _derived(stage, done)


def derive_stage_of_done(done: dict[int, dt.date]) -> Derived:
    """derive_stage for steps all actually done (none 不涉及), given as step number → date."""
    return _derived(max(done, default=0), done)


def _derived(stage: int, done: dict[int, dt.date]) -> Derived:
    return Derived(
        stage_no=stage,
        signed_on=done.get(defaults.STEP_SIGNED),
        library_on=done.get(defaults.STEP_LIBRARY),
        started_on=done.get(defaults.STEP_STARTED),
        operating_on=done.get(defaults.STEP_OPERATING),
    )


def project_records(project_id: int) -> list[tuple[int, dt.date, bool]]:
    query = (
        StepRecord.select(LifecycleStep.number, StepRecord.done_on, StepRecord.not_applicable)
        .join(LifecycleStep)
        .where(StepRecord.project == project_id)
        .tuples()
    )
    return [(number, _as_date(day), bool(na)) for number, day, na in query]


def refresh_project_cache(project_id: int) -> Derived:
    derived = derive_stage(project_records(project_id))
    Project.update(
        stage_no=derived.stage_no,
        signed_on=derived.signed_on,
        library_on=derived.library_on,
        started_on=derived.started_on,
        operating_on=derived.operating_on,
        updated_at=dt.datetime.now().replace(microsecond=0),
    ).where(Project.id == project_id).execute()
    return derived


def steps() -> list[LifecycleStep]:
    return list(LifecycleStep.select().order_by(LifecycleStep.number))


def stage_label(phase: str) -> str:
    """The stage a step's phase puts a project in, as lists show it (资金到位 → 在建)."""
    return defaults.STAGE_OF_PHASE.get(phase, phase)


def stage_labels() -> dict[int, str]:
    """Step number → short label of the stage it puts a project in, 0 → 未开始."""
    labels = {0: "未开始"}
    for number, phase in LifecycleStep.select(LifecycleStep.number, LifecycleStep.phase).tuples():
        labels[number] = stage_label(phase)
    return labels


@dataclass(frozen=True)
class StepsSummary:
    labels: dict[int, str]  # step number → the stage label shown in lists; 0 → 未开始
    names: dict[int, str]  # step number → step name


def steps_summary() -> StepsSummary:
    labels, names = {0: "未开始"}, {}
    for number, phase, name in LifecycleStep.select(LifecycleStep.number, LifecycleStep.phase, LifecycleStep.name).tuples():
        labels[number] = stage_label(phase)
        names[number] = name
    return StepsSummary(labels, names)


def default_credit_unit_id(project: Project, step_number: int) -> int | None:
    """Steps 1–2 go to the first-reporting unit, the others to the responsible unit."""
    if step_number in defaults.STEPS_CREDITED_TO_FIRST_UNIT:
        return project.first_unit_id or project.responsible_unit_id
    return project.responsible_unit_id or project.first_unit_id


def default_credit_unit_for(project_id: int, step_number: int) -> int | None:
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    return default_credit_unit_id(project, step_number)


def step_unit_id(project_id: int, step_number: int) -> int | None:
    """The unit credited on an existing record of that step (None when not recorded)."""
    return (
        StepRecord.select(StepRecord.unit)
        .join(LifecycleStep)
        .where((StepRecord.project == project_id) & (LifecycleStep.number == step_number))
        .scalar()
    )


_UNSET = object()


def record_step(
    project_id: int,
    step_number: int,
    done_on: dt.date,
    *,
    unit_id: int | None | object = _UNSET,
    note: str = "",
    not_applicable: bool = False,
    today: dt.date | None = None,
) -> StepRecord:
    """Record (or re-record) a step as done on `done_on`, or as 不涉及; returns the record."""
    access.require_project_edit(project_id)
    today = today or dt.date.today()
    project = Project.get_or_none(Project.id == project_id)
    if project is None:
        raise NotFoundError("项目不存在或已被删除")
    step = LifecycleStep.get_or_none(LifecycleStep.number == step_number)
    if step is None:
        raise NotFoundError(f"没有第 {step_number} 步")
    if not isinstance(done_on, dt.date):
        raise UserError("请填写完成日期")
    if done_on > today:
        raise UserError(f"“{step.name}”的完成日期 {done_on.isoformat()} 晚于今天，已完成的事项不能填将来的日期")
    if not_applicable and not step.optional:
        raise UserError(f"“{step.name}”是必经步骤，不能标为不涉及")
    if unit_id is _UNSET:
        # 不涉及 earns no points, so by default it credits no unit.
        unit_id = None if not_applicable else default_credit_unit_id(project, step_number)
    if unit_id is not None and not Unit.select().where(Unit.id == unit_id).exists():
        raise NotFoundError("计分单位不存在")
    note = (note or "").strip()[:200]
    with database.atomic():
        record = StepRecord.get_or_none(project=project_id, step=step.id)
        if record is None:
            record = StepRecord(project=project_id, step=step.id)
        record.done_on = done_on
        record.not_applicable = not_applicable
        record.unit = unit_id
        record.note = note
        record.save()
        refresh_project_cache(project_id)
    return record


def undo_step(project_id: int, step_number: int) -> bool:
    """Remove a step record; returns whether there was one."""
    access.require_project_edit(project_id)
    with database.atomic():
        deleted = (
            StepRecord.delete()
            .where(
                (StepRecord.project == project_id)
                & (StepRecord.step.in_(LifecycleStep.select(LifecycleStep.id).where(LifecycleStep.number == step_number)))
            )
            .execute()
        )
        refresh_project_cache(project_id)
    return bool(deleted)


@dataclass(frozen=True)
class StepRow:
    number: int
    phase: str
    name: str
    points: int
    optional: bool
    done_on: dt.date | None
    not_applicable: bool
    unit_name: str
    note: str

    @property
    def recorded(self) -> bool:
        return self.done_on is not None


def project_step_rows(project_id: int) -> list[StepRow]:
    """All steps in order, with this project's record for each (if any)."""
    records = {
        rec.step_id: rec
        for rec in StepRecord.select(StepRecord, Unit.name)
        .join(Unit, join_type=JOIN.LEFT_OUTER, on=(StepRecord.unit == Unit.id))
        .where(StepRecord.project == project_id)
        .objects()
    }
    rows = []
    for step in steps():
        rec = records.get(step.id)
        rows.append(
            StepRow(
                number=step.number,
                phase=step.phase,
                name=step.name,
                points=step.points,
                optional=step.optional,
                done_on=_as_date(rec.done_on) if rec else None,
                not_applicable=bool(rec.not_applicable) if rec else False,
                unit_name=(getattr(rec, "name", None) or "") if rec else "",
                note=rec.note if rec else "",
            )
        )
    return rows


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
