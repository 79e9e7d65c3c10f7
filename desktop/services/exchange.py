"""Exchange files between township PCs and the centre: one signed .zip each way.

A file carries the records changed since the partner last acknowledged what it was sent, plus
deletions (tombstones), a manifest and a summary sheet for people, and is signed with the sender's
Ed25519 key. Records are matched by UUID (master data also by natural key: a unit by its name, a
lifecycle step by its number), and ordered by per-record version counters, never by PC clocks:

- both sides remember, per partner and record, the version they last agreed on (the *base*);
- an incoming version not above the base changes nothing (the same file twice, an older file);
- a record changed only on the other side is applied; changed on both sides is a *conflict*,
  left as it is unless the user keeps theirs (whole or per field) — mine stays by default;
- what went out is promoted to the base when the partner's next file acknowledges it.

A township's file may only add records created there and change records of that township (its
projects by township or responsible unit, their steps and statuses, the leads it first reported);
anything else is refused, listed, and not applied. The centre's files are trusted whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import peewee

from desktop import __version__, db
from desktop.db import database
from desktop.errors import NotFoundError, UserError
from desktop.models import Company, LifecycleStep, Person, Project, StatusChange, StepRecord, Unit
from desktop.models.exchange import ExchangeBase, ExchangePartner, ExchangeSent, RecordOrigin, Tombstone
from desktop.models.calendar import CalendarDay
from desktop.models.leads import CompanyContact, Forum, ForumAttendee, Lead, LeadFollowUp, Xiangxian
from desktop.models.scoring import ScoreBulletin
from desktop.models.targets import FundEntry
from desktop.services import access, identity
from desktop.services.fund_entries import KIND_LABELS as FUND_KIND_LABELS
from desktop.services.fund_entries import PROJECT_FIELD as FUND_TOTAL_FIELD
from desktop.services.fund_entries import refresh_project_total

FORMAT = "investdesk-exchange"
FORMAT_VERSION = 1
CENTRE, TOWNSHIP = "centre", "township"
KEEP_MINE, KEEP_THEIRS = "mine", "theirs"


@dataclass(frozen=True)
class TableSpec:
    model: type
    label: str
    foreign_keys: dict  # field name → referenced model
    natural_key: tuple = ()  # fields that identify the same record made separately on two PCs
    centre_only: bool = False  # master data: only the centre sends it


TABLES = [
    TableSpec(Unit, "单位", {}, ("name",), centre_only=True),
    TableSpec(LifecycleStep, "流程步骤", {}, ("number",), centre_only=True),
    # Holidays and swapped workdays: the townships count 响应期限 and 办结时限 in the same workdays.
    TableSpec(CalendarDay, "工作日历", {}, ("day",), centre_only=True),
    TableSpec(Person, "人员", {"unit": Unit}),
    TableSpec(Company, "客商", {}, ("name_norm",)),
    TableSpec(CompanyContact, "客商联系人", {"company": Company}),
    TableSpec(Project, "项目", {"investor": Company, "township": Unit, "responsible_unit": Unit, "first_unit": Unit,
                              "leader": Person}, ("code",)),
    TableSpec(StepRecord, "流程记录", {"project": Project, "step": LifecycleStep, "unit": Unit}, ("project", "step")),
    TableSpec(StatusChange, "状态变更", {"project": Project}),
    # A month's 到位资金/完成投资: the project's totals are the sums of these, worked out again on arrival.
    TableSpec(FundEntry, "资金（按月）", {"project": Project}, ("project", "kind", "month")),
    TableSpec(Xiangxian, "乡贤", {"home_township": Unit, "keeper": Person}),
    TableSpec(Forum, "座谈会", {"organiser": Unit}),
    TableSpec(ForumAttendee, "座谈会参会乡贤", {"forum": Forum, "xiangxian": Xiangxian}, ("forum", "xiangxian")),
    TableSpec(Lead, "线索", {"first_unit": Unit, "responsible_person": Person, "forum": Forum, "xiangxian": Xiangxian,
                           "project": Project}),
    TableSpec(LeadFollowUp, "线索跟进", {"lead": Lead}),
    # Published 通报 travel from the centre as issued (frozen rows), for the townships to read and reprint.
    TableSpec(ScoreBulletin, "积分通报", {}, centre_only=True),
]
SPEC_BY_TABLE = {spec.model._meta.table_name: spec for spec in TABLES}
BOOKKEEPING = {"id", "uuid", "version", "updated_at"}


# ---------------------------------------------------------------------------------------------
# Partners


@dataclass(frozen=True)
class PartnerInfo:
    id: int
    installation_id: str
    name: str
    prefix: str
    role: str
    unit: str
    fingerprint: str
    last_sent_seq: int
    last_received_seq: int


def identity_card() -> dict:
    """What a partner needs to register this installation (written to a small .json file)."""
    me = identity.ensure_identity()
    return {"format": "investdesk-identity", "installation_id": me.installation_id, "name": me.name,
            "prefix": me.prefix, "public_key": me.public_key, "fingerprint": me.fingerprint}


def write_identity_card(out_path) -> Path:
    path = Path(out_path)
    path.write_text(json.dumps(identity_card(), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def read_identity_card(path) -> dict:
    try:
        card = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"无法读取身份文件 {path}：{exc}") from None
    if not isinstance(card, dict) or card.get("format") != "investdesk-identity":
        raise UserError(f"不是招商工作台的身份文件：{path}")
    return card


def register_partner(card: dict, *, role: str, unit_name: str | None = None, expected_fingerprint: str | None = None) -> PartnerInfo:
    """Register (or update) a partner from its identity card; the fingerprint read over the phone may be checked."""
    access.require_admin()
    if role not in (CENTRE, TOWNSHIP):
        raise UserError("伙伴类型应为 centre（招商中心）或 township（乡镇）")
    try:
        key = bytes.fromhex(card["public_key"])
        installation_id = str(card["installation_id"])
    except (KeyError, ValueError, TypeError):
        raise UserError("身份文件内容不完整或已损坏") from None
    if len(key) != 32:
        raise UserError("身份文件里的公钥不对")
    printed = identity.fingerprint(card["public_key"])
    if expected_fingerprint and expected_fingerprint.replace(" ", "").upper() != printed:
        raise UserError(f"指纹不符：身份文件的指纹是 {printed}，与电话核对的 {expected_fingerprint} 不同，请勿登记")
    if installation_id == identity.ensure_identity().installation_id:
        raise UserError("这是本机自己的身份文件")
    unit_id = None
    if role == TOWNSHIP:
        unit = Unit.get_or_none(Unit.name == (unit_name or card.get("name", "")))
        if unit is None:
            raise UserError(f"没有名为“{unit_name or card.get('name', '')}”的乡镇/单位：乡镇伙伴需要对应本库中的一个单位（--township）")
        unit_id = unit.id
    partner = ExchangePartner.get_or_none(ExchangePartner.installation_id == installation_id)
    if partner is None:
        partner = ExchangePartner(installation_id=installation_id)
    partner.name, partner.prefix = str(card.get("name", ""))[:64], str(card.get("prefix", ""))[:8]
    partner.public_key, partner.role, partner.unit = card["public_key"], role, unit_id
    partner.save()
    return _partner_info(partner)


def _partner_info(partner: ExchangePartner) -> PartnerInfo:
    unit = Unit.get_or_none(Unit.id == partner.unit_id) if partner.unit_id else None
    return PartnerInfo(partner.id, partner.installation_id, partner.name, partner.prefix, partner.role,
                       unit.name if unit else "", identity.fingerprint(partner.public_key),
                       partner.last_sent_seq, partner.last_received_seq)


def list_partners() -> list[PartnerInfo]:
    return [_partner_info(p) for p in ExchangePartner.select().order_by(ExchangePartner.name)]


def _partner_by_name(name: str) -> ExchangePartner:
    partner = ExchangePartner.get_or_none(ExchangePartner.name == name)
    if partner is None:
        names = "、".join(p.name for p in ExchangePartner.select()) or "（还没有登记任何伙伴）"
        raise NotFoundError(f"没有登记名为“{name}”的交换伙伴（已登记：{names}）")
    return partner


# ---------------------------------------------------------------------------------------------
# Records as JSON


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _python_value(field_obj: peewee.Field, value):
    if value is None:
        return None
    if isinstance(field_obj, peewee.DateTimeField):
        return dt.datetime.fromisoformat(value)
    if isinstance(field_obj, peewee.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(field_obj, peewee.DecimalField) or field_obj.__class__.__name__ == "WanYuanField":
        return Decimal(value)
    return value


def _data_fields(model) -> list[peewee.Field]:
    return [f for f in model._meta.sorted_fields if f.name not in BOOKKEEPING]


def _uuid_maps() -> dict[type, dict[int, str]]:
    models = {spec.model for spec in TABLES}
    return {model: dict(model.select(model.id, model.uuid).tuples()) for model in models}


def _record_json(spec: TableSpec, row: dict, uuids: dict, origin: str) -> dict:
    data = {}
    for f in _data_fields(spec.model):
        value = row.get(f.name)
        if f.name in spec.foreign_keys:
            value = uuids[spec.foreign_keys[f.name]].get(value) if value is not None else None
        data[f.name] = _json_value(value)
    return {"table": spec.model._meta.table_name, "uuid": row["uuid"], "version": row["version"], "origin": origin,
            "data": data}


def _row_label(table: str, data: dict) -> str:
    if table == "project":
        return f"{data.get('code', '')} {data.get('name', '')}".strip()
    for key in ("name", "title"):
        if data.get(key):
            return str(data[key])
    if table == "step_record":
        return f"第 {data.get('step', '')} 步"
    if table == "lead_follow_up":
        return f"{data.get('done_on') or ''} {str(data.get('what') or '')[:30]}".strip()
    if table == "calendar_day":
        return f"{data.get('day') or ''} {data.get('name') or ''}".strip()
    if table == "fund_entry":
        month = str(data.get("month") or "")[:7]
        return f"{month} {FUND_KIND_LABELS.get(data.get('kind'), data.get('kind') or '')} {data.get('amount') or ''} 万元".strip()
    return data.get("status", "") or ""


# ---------------------------------------------------------------------------------------------
# Export


@dataclass
class ExportResult:
    path: Path
    partner: str
    seq: int
    records: int
    deletions: int
    counts: dict = field(default_factory=dict)


def _owned_project_ids(partner: ExchangePartner) -> set[int]:
    """The projects that belong to a township partner: its township or responsible unit, or made there."""
    origins = {u for (u,) in RecordOrigin.select(RecordOrigin.record_uuid)
               .where(RecordOrigin.installation_id == partner.installation_id).tuples()}
    query = Project.select(Project.id, Project.uuid, Project.township, Project.responsible_unit).tuples()
    return {pid for pid, uid, township, unit in query
            if uid in origins or (partner.unit_id and partner.unit_id in (township, unit))}


def _selection(partner: ExchangePartner, me_is_centre: bool) -> dict[type, set[int] | None]:
    """Which rows of each table go to this partner (None: every row)."""
    if not me_is_centre:
        # A township sends what it holds, minus the centre's master data.
        return {spec.model: None for spec in TABLES if not spec.centre_only}
    projects = _owned_project_ids(partner)
    companies = {c for (c,) in Project.select(Project.investor).where(Project.id.in_(projects) & Project.investor.is_null(False)).tuples()}
    leads = {lid for (lid,) in Lead.select(Lead.id).where((Lead.first_unit == partner.unit_id) | Lead.project.in_(projects)).tuples()}
    return {
        Unit: None, LifecycleStep: None, CalendarDay: None, Person: None,
        Company: companies, Project: projects,
        CompanyContact: {i for (i,) in CompanyContact.select(CompanyContact.id).where(CompanyContact.company.in_(companies)).tuples()},
        StepRecord: {i for (i,) in StepRecord.select(StepRecord.id).where(StepRecord.project.in_(projects)).tuples()},
        StatusChange: {i for (i,) in StatusChange.select(StatusChange.id).where(StatusChange.project.in_(projects)).tuples()},
        FundEntry: {i for (i,) in FundEntry.select(FundEntry.id).where(FundEntry.project.in_(projects)).tuples()},
        Lead: leads,
        LeadFollowUp: {i for (i,) in LeadFollowUp.select(LeadFollowUp.id).where(LeadFollowUp.lead.in_(leads)).tuples()},
        ScoreBulletin: None,
    }


def export_file(out_path, partner_name: str, *, today: dt.datetime | None = None) -> ExportResult:
    """Write the exchange file for `partner_name`: everything changed since it last acknowledged us."""
    access.require_centre()
    identity.check_not_copied()
    me = identity.ensure_identity()
    partner = _partner_by_name(partner_name)
    me_is_centre = partner.role == TOWNSHIP
    bases = dict(ExchangeBase.select(ExchangeBase.record_uuid, ExchangeBase.version)
                 .where(ExchangeBase.partner == partner.id).tuples())
    origins = dict(RecordOrigin.select(RecordOrigin.record_uuid, RecordOrigin.installation_id).tuples())
    uuids = _uuid_maps()
    selection = _selection(partner, me_is_centre)
    records, counts, sent = [], {}, []
    for spec in TABLES:
        if spec.model not in selection:
            continue
        wanted = selection[spec.model]
        for row in spec.model.select().dicts():
            if wanted is not None and row["id"] not in wanted:
                continue
            if row["version"] <= bases.get(row["uuid"], 0):
                continue
            origin = origins.get(row["uuid"], me.installation_id)
            if origin == partner.installation_id and row["uuid"] not in bases and row["version"] <= 1:
                continue  # theirs, never changed here
            records.append(_record_json(spec, row, uuids, origin))
            sent.append({"record_uuid": row["uuid"], "version": row["version"],
                         "data": json.dumps(_comparable(_row_values(spec, row)), ensure_ascii=False)})
            counts[spec.label] = counts.get(spec.label, 0) + 1
    deletions = [{"table": t.table_name_, "uuid": t.record_uuid, "version": t.version}
                 for t in Tombstone.select() if t.record_uuid in bases and t.table_name_ in SPEC_BY_TABLE]
    seq = partner.last_sent_seq + 1
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "origin": {"installation_id": me.installation_id, "name": me.name, "prefix": me.prefix,
                   "public_key": me.public_key, "role": CENTRE if me_is_centre else TOWNSHIP},
        "partner": {"installation_id": partner.installation_id, "name": partner.name},
        "created": (today or dt.datetime.now()).replace(microsecond=0).isoformat(),
        "app_version": __version__, "schema_version": _schema_version(),
        "seq": seq, "ack_seq": partner.last_received_seq,
        "counts": {"records": len(records), "deletions": len(deletions), **counts},
    }
    payload = {"records": records, "deletions": deletions, "references": _references(records)}
    files = {
        "manifest.json": json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"),
        "records.json": json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        "summary.xlsx": _summary_workbook(manifest, records, deletions),
    }
    digests = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    signed = json.dumps(digests, sort_keys=True).encode("utf-8")
    files["signature.json"] = json.dumps({"sha256": digests, "signature": identity.sign(signed)}, indent=1).encode("utf-8")
    path = _write_zip(out_path, files)
    sent += [{"record_uuid": d["uuid"], "version": d["version"], "data": ""} for d in deletions]
    with database.atomic():
        for start in range(0, len(sent), 200):
            ExchangeSent.insert_many([{"partner": partner.id, "seq": seq, **row} for row in sent[start:start + 200]]).execute()
        partner.last_sent_seq = seq
        partner.save()
    return ExportResult(path, partner.name, seq, len(records), len(deletions), counts)


def _references(records: list[dict]) -> dict[str, dict]:
    """Natural keys of the master records the file points at, so a partner that made the same unit
    or step itself (with another UUID) finds its own: uuid → {"table", "key": {field: value}}."""
    wanted: dict[type, set[str]] = {}
    for record in records:
        spec = SPEC_BY_TABLE[record["table"]]
        for name, target in spec.foreign_keys.items():
            value = record["data"].get(name)
            if value and SPEC_BY_TABLE[target._meta.table_name].natural_key:
                wanted.setdefault(target, set()).add(value)
    refs = {}
    for model, uuids in wanted.items():
        key_fields = SPEC_BY_TABLE[model._meta.table_name].natural_key
        if any(f in SPEC_BY_TABLE[model._meta.table_name].foreign_keys for f in key_fields):
            continue  # a key made of references (a step record) is resolved through those
        for row in model.select().where(model.uuid.in_(list(uuids))).dicts():
            refs[row["uuid"]] = {"table": model._meta.table_name, "key": {f: _json_value(row[f]) for f in key_fields}}
    return refs


def _schema_version() -> int:
    from desktop.migrations import schema_version

    return schema_version()


def _write_zip(out_path, files: dict[str, bytes]) -> Path:
    path = Path(out_path)
    if path.suffix.lower() != ".zip":
        raise UserError(f"交换文件应保存为 .zip：{path}")
    if not path.parent.is_dir():
        raise UserError(f"文件夹不存在：{path.parent}")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UserError(f"无法写入交换文件 {path}：{exc.strerror or exc}") from None
    return path


def _summary_workbook(manifest: dict, records: list[dict], deletions: list[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    origin, partner = manifest["origin"], manifest["partner"]
    for row in (
        ["招商工作台交换文件"],
        ["发件方", f"{origin['name']}（{origin['prefix']}）"],
        ["收件方", partner["name"]],
        ["文件序号", manifest["seq"]],
        ["生成时间", manifest["created"]],
        ["程序版本", manifest["app_version"]],
        ["记录", len(records)],
        ["删除", len(deletions)],
        ["说明", "本文件由发件方签名，请用招商工作台“导入交换文件”读入；改动文件内容会使签名失效。"],
    ):
        ws.append(row)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 60
    detail = wb.create_sheet("明细")
    detail.append(["类别", "记录", "操作", "版本"])
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for record in records:
        spec = SPEC_BY_TABLE[record["table"]]
        detail.append([spec.label, _row_label(record["table"], record["data"]), "新增或修改", record["version"]])
    for gone in deletions:
        detail.append([SPEC_BY_TABLE[gone["table"]].label, gone["uuid"], "删除", gone["version"]])
    detail.column_dimensions["B"].width = 50
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Import: read and check, then classify, then apply


@dataclass
class Change:
    table: str
    uuid: str
    label: str
    kind: str  # new / changed / deleted / unchanged / conflict / refused
    reason: str = ""
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, mine, theirs) for conflicts
    field_names: list[str] = field(default_factory=list)  # the same fields' names, for decisions


@dataclass
class ImportPreview:
    file: str
    origin_name: str
    origin_id: str
    seq: int
    changes: list[Change] = field(default_factory=list)
    applied: bool = False
    message: str = ""

    def of_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of_kind(kind)) for kind in ("new", "changed", "deleted", "unchanged", "conflicts", "refused")
                } | {"conflicts": len(self.of_kind("conflict"))}

    def to_json(self) -> dict:
        return {"file": self.file, "from": self.origin_name, "seq": self.seq, "applied": self.applied,
                "message": self.message, **self.counts(),
                "conflict_records": [{"table": c.table, "record": c.label, "fields": [
                    {"field": f, "mine": m, "theirs": t} for f, m, t in c.fields]} for c in self.of_kind("conflict")],
                "refused_records": [{"table": c.table, "record": c.label, "reason": c.reason} for c in self.of_kind("refused")]}


def _read_file(path) -> tuple[dict, dict, str]:
    """Manifest, payload and the digest of the signed content; refuses anything altered or unsigned."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            files = {name: archive.read(name) for name in ("manifest.json", "records.json", "summary.xlsx", "signature.json")}
    except FileNotFoundError:
        raise UserError(f"找不到交换文件：{path}") from None
    except KeyError as exc:
        raise UserError(f"交换文件不完整（缺少 {exc.args[0]}），可能不是招商工作台的交换文件：{path}") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(f"不是有效的交换文件（{exc}）：{path}") from None
    try:
        signature = json.loads(files["signature.json"])
        manifest = json.loads(files["manifest.json"])
        payload = json.loads(files["records.json"])
    except ValueError:
        raise UserError(f"交换文件已损坏或被改动：{path}") from None
    digests = signature.get("sha256", {})
    for name in ("manifest.json", "records.json", "summary.xlsx"):
        if digests.get(name) != hashlib.sha256(files[name]).hexdigest():
            raise UserError(f"交换文件被改动过（{name} 与签名不符），拒绝导入：{path}")
    if manifest.get("format") != FORMAT:
        raise UserError(f"不是招商工作台的交换文件：{path}")
    signed = json.dumps(digests, sort_keys=True).encode("utf-8")
    key = manifest.get("origin", {}).get("public_key", "")
    if not identity.verify(key, signed, signature.get("signature", "")):
        raise UserError(f"交换文件的签名无效（文件被改动，或不是由发件方签发），拒绝导入：{path}")
    return manifest, payload, hashlib.sha256(signed).hexdigest()


def _check_sender(manifest: dict, *, trust: bool, me) -> ExchangePartner:
    origin = manifest["origin"]
    if manifest.get("partner", {}).get("installation_id") != me.installation_id:
        raise UserError(f"这个文件是发给“{manifest.get('partner', {}).get('name', '')}”的，不是发给本机（{me.name}）的")
    schema = int(manifest.get("schema_version", 0))
    from desktop.migrations import CURRENT_VERSION

    if schema > CURRENT_VERSION or int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise UserError(f"这个文件由较新版本的招商工作台（{manifest.get('app_version', '')}）生成，请先升级本机的程序再导入")
    partner = ExchangePartner.get_or_none(ExchangePartner.installation_id == origin["installation_id"])
    if partner is None:
        if not trust:
            raise UserError(
                f"发件方“{origin.get('name', '')}”（指纹 {identity.fingerprint(origin['public_key'])}）还没有登记为交换伙伴，"
                "拒绝导入。请先核对指纹并登记对方的身份文件，或确认可信后加 --trust。"
            )
        role = origin.get("role", TOWNSHIP)
        unit = Unit.get_or_none(Unit.name == origin.get("name")) if role == TOWNSHIP else None
        if role == TOWNSHIP and unit is None:
            raise UserError(f"发件方“{origin.get('name')}”是乡镇，但本库没有同名单位，无法判断哪些记录属于它；请先登记伙伴并指定乡镇")
        partner = ExchangePartner.create(installation_id=origin["installation_id"], name=origin.get("name", "")[:64],
                                         prefix=origin.get("prefix", "")[:8], public_key=origin["public_key"], role=role,
                                         unit=unit.id if unit else None)
    elif partner.public_key != origin["public_key"]:
        raise UserError(f"文件的签名密钥与登记的“{partner.name}”不符（指纹 {identity.fingerprint(origin['public_key'])}，"
                        f"登记的是 {identity.fingerprint(partner.public_key)}），拒绝导入")
    return partner


def import_file(path, *, dry_run: bool = False, keep: str | None = None, trust: bool = False,
                decisions: dict[str, dict[str, str] | str] | None = None) -> ImportPreview:
    """Check, classify and (unless `dry_run`) apply an exchange file in one transaction after a backup.

    Conflicts stay as they are unless `keep` is KEEP_THEIRS (all) or `decisions` says, per record
    uuid, "mine", "theirs" or {field: "mine"|"theirs"}.
    """
    access.require_centre()
    identity.check_not_copied()
    me = identity.ensure_identity()
    manifest, payload, digest = _read_file(path)
    preview = ImportPreview(str(path), manifest["origin"].get("name", ""), manifest["origin"]["installation_id"], int(manifest["seq"]))
    if trust and not dry_run:
        access.require_admin()
    with database.atomic() as transaction:
        partner = _check_sender(manifest, trust=trust, me=me)
        if digest in partner.received_digests.split():
            preview.message = "这个文件已经导入过，这次不做任何改动。"
            transaction.rollback()
            return preview
        if preview.seq <= partner.last_received_seq:
            preview.message = (f"这个文件（第 {preview.seq} 号）比已导入的第 {partner.last_received_seq} 号旧，"
                               "不做任何改动。")
            transaction.rollback()
            return preview
        _promote_acknowledged(partner, int(manifest.get("ack_seq", 0)))
        plan = _classify(partner, payload, preview)
        if dry_run:
            transaction.rollback()
            return preview
        if not dry_run:
            _backup_before_exchange()
        _apply(partner, plan, preview, keep=keep, decisions=decisions or {})
        partner.last_received_seq = preview.seq
        partner.received_digests = (partner.received_digests + "\n" + digest).strip()
        partner.save()
        preview.applied = True
    return preview


def _backup_before_exchange() -> None:
    path = db.database_file()
    if path is None:
        return
    try:
        from desktop.services.backup import backup_before
    except ImportError:
        from desktop.migrations import backup_sqlite_file

        backup_sqlite_file(path, "before-exchange")
        return
    backup_before("exchange")


def _promote_acknowledged(partner: ExchangePartner, ack_seq: int) -> None:
    sent = list(ExchangeSent.select().where((ExchangeSent.partner == partner.id) & (ExchangeSent.seq <= ack_seq)))
    for row in sorted(sent, key=lambda r: (r.seq, r.id)):
        base = ExchangeBase.get_or_none(partner=partner.id, record_uuid=row.record_uuid)
        if base is None:
            ExchangeBase.create(partner=partner.id, record_uuid=row.record_uuid, version=row.version, data=row.data)
        elif row.version >= base.version:
            base.version, base.data = row.version, row.data
            base.save()
    if sent:
        ExchangeSent.delete().where((ExchangeSent.partner == partner.id) & (ExchangeSent.seq <= ack_seq)).execute()


@dataclass
class _Planned:
    spec: TableSpec
    record: dict
    change: Change
    local_id: int | None
    values: dict  # field name → python value with local ids
    theirs_fields: set = field(default_factory=set)  # fields they changed since the base
    conflict_fields: set = field(default_factory=set)
    adopt_uuid: bool = False  # a master record made here too: take the centre's UUID


def _resolve_values(spec: TableSpec, data: dict, uuid_to_id: dict) -> tuple[dict, list[str]]:
    values, missing = {}, []
    for f in _data_fields(spec.model):
        raw = data.get(f.name)
        if f.name in spec.foreign_keys:
            target = spec.foreign_keys[f.name]
            local = uuid_to_id[target].get(raw) if raw else None
            if raw and local is None:
                missing.append(f.name)
            values[f.name] = local
        else:
            values[f.name] = _python_value(f, raw)
    return values, missing


def _comparable(values: dict) -> dict:
    """Values as text, so a Decimal, a date and their stored forms compare equal."""
    out = {}
    for key, value in values.items():
        if isinstance(value, bool):
            value = int(value)
        if isinstance(value, Decimal):
            value = value.normalize()
            value = format(value, "f")
        out[key] = _text(value) if value is not None else None
    return out


def _local_row(spec: TableSpec, uuid: str, values: dict) -> dict | None:
    model = spec.model
    row = model.select().where(model.uuid == uuid).dicts().first()
    if row is None and spec.natural_key and all(values.get(k) is not None for k in spec.natural_key):
        condition = True
        for key in spec.natural_key:
            condition = condition & (getattr(model, key) == values[key])
        row = model.select().where(condition).dicts().first()
    return row


def _row_values(spec: TableSpec, row: dict) -> dict:
    # Rows come from `.dicts()`, already converted by the fields (a foreign key as its id).
    return {f.name: row.get(f.name) for f in _data_fields(spec.model)}


def _owns(partner: ExchangePartner, spec: TableSpec, values: dict, local: dict | None, origin: str,
          created_there: set[str], uuid: str) -> str | None:
    """Why a township file may not touch this record, or None when it may."""
    if partner.role == CENTRE:
        return None
    if spec.centre_only:
        return "主数据（单位、流程步骤、工作日历）只由招商中心维护"
    if local is None:
        if origin != partner.installation_id:
            return "乡镇文件只能新增本乡镇录入的记录"
        if spec.model is Project and partner.prefix and not str(values.get("code", "")).startswith(partner.prefix + "-"):
            return f"项目编号不是本乡镇的前缀 {partner.prefix}"
        if spec.model in (StepRecord, StatusChange, FundEntry):
            return _not_their_project(partner, values.get("project"), created_there)
        return None
    if uuid in created_there:
        return None
    unit = partner.unit_id
    if spec.model is Project:
        ok = unit in (local.get("township"), local.get("responsible_unit"))
        return None if ok else "不是本乡镇的项目（所在乡镇、责任单位都不是本乡镇）"
    if spec.model in (StepRecord, StatusChange, FundEntry):
        return _not_their_project(partner, local.get("project"), created_there) if local.get("project") else "属于其他乡镇的项目"
    if spec.model is Lead:
        return None if local.get("first_unit") == unit else "不是本乡镇首报的线索"
    if spec.model is ForumAttendee:
        forum = Forum.get_or_none(Forum.id == local.get("forum"))
        ok = forum is not None and (forum.uuid in created_there or forum.organiser_id == unit)
        return None if ok else "不是本乡镇的座谈会"
    if spec.model is LeadFollowUp:
        lead = Lead.get_or_none(Lead.id == local.get("lead"))
        return None if lead is not None and lead.first_unit_id == unit else "不是本乡镇首报的线索"
    return "只能修改本乡镇录入的记录"


def _not_their_project(partner: ExchangePartner, project_id: int | None, created_there: set[str]) -> str | None:
    """Why a township may not add to or change a project's steps, statuses or funds (None: it may)."""
    if project_id is None or project_id < 0:
        return None  # no project here (refused for the missing reference) or one new in the same file (checked itself)
    project = Project.get_or_none(Project.id == project_id)
    if project is None or project.uuid in created_there or partner.unit_id in (project.township_id, project.responsible_unit_id):
        return None
    return "属于其他乡镇的项目"


def _bases(partner: ExchangePartner) -> dict[str, tuple[int, dict | None]]:
    return {uuid: (version, json.loads(data) if data else None) for uuid, version, data in
            ExchangeBase.select(ExchangeBase.record_uuid, ExchangeBase.version, ExchangeBase.data)
            .where(ExchangeBase.partner == partner.id).tuples()}


def _classify(partner: ExchangePartner, payload: dict, preview: ImportPreview) -> list[_Planned]:
    bases = _bases(partner)
    created_there = {u for (u,) in RecordOrigin.select(RecordOrigin.record_uuid)
                     .where(RecordOrigin.installation_id == partner.installation_id).tuples()}
    uuid_to_id = {model: {u: i for i, u in ids.items()} for model, ids in _uuid_maps().items()}
    for uuid, ref in payload.get("references", {}).items():
        spec = SPEC_BY_TABLE.get(ref.get("table"))
        if spec is None or uuid in uuid_to_id[spec.model]:
            continue
        condition = True
        for name, value in ref.get("key", {}).items():
            condition = condition & (getattr(spec.model, name) == _python_value(spec.model._meta.fields[name], value))
        local = spec.model.select(spec.model.id).where(condition).first()
        if local is not None:
            uuid_to_id[spec.model][uuid] = local.id
    plan: list[_Planned] = []
    order = {spec.model._meta.table_name: index for index, spec in enumerate(TABLES)}
    records = sorted(payload.get("records", []), key=lambda r: order.get(r.get("table"), 99))
    deleted_in_file = {gone.get("uuid") for gone in payload.get("deletions", [])}
    noted_totals: set[tuple[int, str]] = set()  # (project, kind) whose typed total the preview already mentions
    replaced_uuids: set[str] = set()  # deleted there and made again under the same natural key: not a deletion
    for record in records:
        spec = SPEC_BY_TABLE.get(record.get("table"))
        if spec is None:
            continue
        label = _row_label(record["table"], record["data"])
        values, missing = _resolve_values(spec, record["data"], uuid_to_id)
        local = _local_row(spec, record["uuid"], values)
        change = Change(spec.label, record["uuid"], label, "")
        planned = _Planned(spec, record, change, local["id"] if local else None, values)
        refusal = _owns(partner, spec, values, local, record.get("origin", ""), created_there, record["uuid"])
        required = [n for n in missing if not spec.model._meta.fields[n].null]
        if required and not refusal:
            if local is None:
                refusal = "所属的记录本机已删除（或已合并），未导入：" + "、".join(_field_label(spec.model, n) for n in required)
            else:
                for n in required:  # keep the reference this PC has
                    values[n] = local[n]
        if refusal:
            change.kind, change.reason = "refused", refusal
        elif local is None:
            change.kind = "new"
            if missing:
                change.reason = "引用的记录本机没有，已留空：" + "、".join(_field_label(spec.model, n) for n in missing)
            elif spec.model is FundEntry:
                change.reason = _typed_total_note(values, noted_totals)
        else:
            base_version, base_data = bases.get(record["uuid"], (None, None))
            # Deleted and made again there under the same natural key (a month's entry, a calendar day,
            # an attendee): the same record under a new UUID. Compare with what was agreed on the old one.
            replaced = local["uuid"] != record["uuid"] and local["uuid"] in deleted_in_file
            if replaced:
                replaced_uuids.add(local["uuid"])
            if replaced and base_version is None:
                base_version, base_data = None, bases.get(local["uuid"], (None, None))[1]
            theirs, mine = _comparable(values), _comparable(_row_values(spec, local))
            planned.adopt_uuid = (spec.centre_only and partner.role == CENTRE and local["uuid"] != record["uuid"]) or replaced
            if not spec.centre_only and local["uuid"] != record["uuid"] and not replaced:
                # The same record made on both PCs (found by its natural key): one identity from now on, so that
                # a later deletion on either side finds it. Ours if the partner may already hold it, the smaller one.
                sent = local["uuid"] in bases or ExchangeSent.select().where(
                    (ExchangeSent.partner == partner.id) & (ExchangeSent.record_uuid == local["uuid"])).exists()
                planned.adopt_uuid = not sent or record["uuid"] < local["uuid"]
            if spec.centre_only and partner.role == CENTRE:
                # Master data is the centre's: its version wins, and the township's copy takes its identity.
                change.kind = "unchanged" if theirs == mine else "changed"
                planned.theirs_fields = {f for f in theirs if theirs[f] != mine[f]}
            elif base_version is not None and record["version"] <= base_version:
                change.kind = "unchanged"
            elif theirs == mine:
                change.kind = "unchanged"
            else:
                if base_data is None:
                    # Never agreed before (the same record made on both sides): every difference is contested.
                    their_fields = {f for f in theirs if theirs[f] != mine[f]}
                    my_fields = set(their_fields)
                else:
                    their_fields = {f for f in theirs if theirs[f] != base_data.get(f)}
                    my_fields = {f for f in mine if mine[f] != base_data.get(f)}
                contested = {f for f in their_fields & my_fields if theirs[f] != mine[f]} - _recomputed_fields(spec, local)
                planned.theirs_fields = their_fields - contested
                if spec.model is Project:
                    change.reason = _summed_total_note(local, their_fields, theirs, mine)
                planned.conflict_fields = contested
                if not their_fields:
                    change.kind = "unchanged"
                elif contested:
                    change.kind = "conflict"
                    change.field_names = sorted(contested)
                    change.fields = [(_field_label(spec.model, f), mine[f] or "", theirs[f] or "") for f in change.field_names]
                else:
                    change.kind = "changed"
        preview.changes.append(change)
        plan.append(planned)
        if change.kind == "new":
            # Later records in the same file may point at this one: a placeholder id until it exists.
            uuid_to_id[spec.model][record["uuid"]] = -len(plan)
        elif local is not None:
            uuid_to_id[spec.model][record["uuid"]] = local["id"]
    for gone in payload.get("deletions", []):
        spec = SPEC_BY_TABLE.get(gone.get("table"))
        if spec is None or gone["uuid"] in replaced_uuids:
            continue
        local = spec.model.select().where(spec.model.uuid == gone["uuid"]).dicts().first()
        if local is None:
            continue
        label = _row_label(gone["table"], _row_values(spec, local))
        change = Change(spec.label, gone["uuid"], label, "deleted")
        refusal = _owns(partner, spec, {}, local, "", created_there, gone["uuid"])
        base_version = bases.get(gone["uuid"], (None, None))[0]
        if refusal:
            change.kind, change.reason = "refused", refusal
        elif base_version is not None and local["version"] > base_version:
            change.kind, change.reason = "conflict", "对方删除了这条记录，本机在上次交换后又修改过（保留本机的）"
        elif not spec.centre_only and (dependants := _unshared_dependants(spec.model, local["id"], bases)):
            # Deleting it would take them along (ON DELETE CASCADE) or blank their reference, unseen.
            change.kind, change.reason = "conflict", ("对方删除了这条记录，本机还有对方没有的" + "、".join(dependants)
                                                      + "引用它（保留本机的）")
        preview.changes.append(change)
        plan.append(_Planned(spec, gone, change, local["id"], _row_values(spec, local)))
    return plan


def _unshared_dependants(model, row_id: int, bases: dict) -> list[str]:
    """Labels of the tables holding rows here that point at the record and that the partner has not
    agreed on (made or changed here since the last exchange)."""
    found = []
    for other in TABLES:
        for name, target in other.foreign_keys.items():
            if target is not model:
                continue
            column = other.model._meta.fields[name]
            rows = other.model.select(other.model.uuid, other.model.version).where(column == row_id).tuples()
            if any(version > bases.get(uuid, (0, None))[0] for uuid, version in rows):
                found.append(other.label)
                break
    return found


def _summed_total_note(local: dict, their_fields: set[str], theirs: dict, mine: dict) -> str:
    """What the preview says when the partner typed a project total that this PC sums from monthly entries."""
    kinds = {k for (k,) in FundEntry.select(FundEntry.kind).where(FundEntry.project == local["id"]).distinct().tuples()}
    notes = [f"对方填写的{FUND_KIND_LABELS[k]} {theirs[FUND_TOTAL_FIELD[k]] or '（空）'} 万元未采用：本机按月度记录合计为 "
             f"{mine[FUND_TOTAL_FIELD[k]] or 0} 万元，请核对后补记月度记录"
             for k in sorted(kinds) if FUND_TOTAL_FIELD[k] in their_fields and theirs[FUND_TOTAL_FIELD[k]] != mine[FUND_TOTAL_FIELD[k]]]
    return "；".join(notes)


def _typed_total_note(values: dict, noted: set[tuple[int, str]]) -> str:
    """What the preview says when monthly entries arrive for a project whose total was typed here without any."""
    project_id, kind = values.get("project"), values.get("kind")
    if not project_id or project_id < 0 or kind not in FUND_TOTAL_FIELD or (project_id, kind) in noted:
        return ""
    if FundEntry.select().where((FundEntry.project == project_id) & (FundEntry.kind == kind)).exists():
        return ""
    project = Project.get_or_none(Project.id == project_id)
    typed = getattr(project, FUND_TOTAL_FIELD[kind]) if project is not None else None
    if typed is None:
        return ""
    noted.add((project_id, kind))
    return (f"本机项目的{FUND_KIND_LABELS[kind]}是直接填写的 {typed.normalize():f} 万元，收到月度记录后改为按月合计，"
            "请核对是否要补记其余月份")


def _recomputed_fields(spec: TableSpec, local: dict) -> set[str]:
    """Project fields this PC works out again after applying the file (exchange._apply): never a conflict."""
    if spec.model is not Project:
        return set()
    derived = {"status", "stage_no", "signed_on", "library_on", "started_on", "operating_on"}
    kinds = {k for (k,) in FundEntry.select(FundEntry.kind).where(FundEntry.project == local["id"]).distinct().tuples()}
    return derived | {FUND_TOTAL_FIELD[k] for k in kinds}


def _field_label(model, name: str) -> str:
    from desktop.models import audit

    return audit.field_label(model, name)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _apply(partner: ExchangePartner, plan: list[_Planned], preview: ImportPreview, *, keep: str | None,
           decisions: dict) -> None:
    from desktop.models import audit
    from desktop.services.lifecycle import refresh_project_cache

    created: dict[int, int] = {}  # placeholder (-position in plan) → new id
    touched_projects: set[int] = set()
    touched_funds: set[tuple[int, str]] = set()  # (project, kind) of the monthly entries the file changed
    agreed = {uuid: version for uuid, (version, _data) in _bases(partner).items()}
    for position, item in enumerate(plan, 1):
        spec, change, record = item.spec, item.change, item.record
        model = spec.model
        values = {k: (created.get(v) if k in spec.foreign_keys and isinstance(v, int) and v < 0 else v)
                  for k, v in item.values.items()}
        if model is FundEntry and change.kind in ("new", "changed", "conflict", "deleted"):
            if item.local_id is not None:  # its project and kind as they are here (a deletion carries no data)
                local_entry = FundEntry.select(FundEntry.project, FundEntry.kind).where(FundEntry.id == item.local_id).tuples().first()
                if local_entry:
                    touched_funds.add(local_entry)
            if values.get("project") and values.get("kind"):
                touched_funds.add((values["project"], values["kind"]))
        if change.kind == "deleted":
            model.delete().where((model.id == item.local_id) & (model.uuid == record["uuid"])).execute()
            ExchangeBase.delete().where((ExchangeBase.partner == partner.id) & (ExchangeBase.record_uuid == record["uuid"])).execute()
            _touch(model, values, item.local_id, touched_projects, deleted=True)
            continue
        if change.kind == "new":
            new_id = model.insert(uuid=record["uuid"], version=record["version"], **values).execute()
            created[-position] = new_id
            audit.record_bulk_create(model, [new_id])
            RecordOrigin.insert(record_uuid=record["uuid"], installation_id=record.get("origin") or partner.installation_id
                                ).on_conflict_ignore().execute()
            _set_base(partner, record["uuid"], record["version"], values)
            _touch(model, values, new_id, touched_projects)
            continue
        if item.adopt_uuid and item.local_id is not None:
            model.update(uuid=record["uuid"]).where(model.id == item.local_id).execute()
        if change.kind == "unchanged":
            if item.local_id is not None and record["version"] > (agreed.get(record["uuid"]) or 0):
                _set_base(partner, record["uuid"], record["version"], values)
            continue
        if change.kind not in ("changed", "conflict"):
            continue  # refused
        choice = decisions.get(record["uuid"], keep or KEEP_MINE)
        if "data" not in record:  # deleted there, changed here
            wanted = choice.get("", KEEP_MINE) if isinstance(choice, dict) else choice
            ExchangeBase.delete().where((ExchangeBase.partner == partner.id) & (ExchangeBase.record_uuid == record["uuid"])).execute()
            if wanted == KEEP_THEIRS:
                model.delete().where(model.id == item.local_id).execute()
                _touch(model, values, item.local_id, touched_projects, deleted=True)
            # Kept: with no agreed version left, the next file sends it back to the partner whole.
            continue
        take = set(item.theirs_fields)
        for name in item.conflict_fields:
            wanted = choice.get(name, KEEP_MINE) if isinstance(choice, dict) else choice
            if wanted == KEEP_THEIRS:
                take.add(name)
        local = model.select().where(model.id == item.local_id).dicts().first()
        mine = _row_values(spec, local)
        result = {name: (values[name] if name in take else mine[name]) for name in values}
        kept_mine = [name for name in item.conflict_fields if name not in take]
        if kept_mine:
            # The version not kept stays in the history.
            audit.record_event(model._meta.table_name, item.local_id, "update", "交换冲突",
                               old=json.dumps({n: _text(values[n]) for n in kept_mine}, ensure_ascii=False),
                               new="保留本机的值", label=change.label)
        same_as_theirs = _comparable(result) == _comparable(values)
        version = record["version"] if same_as_theirs else max(local["version"], record["version"]) + 1
        updates = {name: result[name] for name in values if _comparable({0: result[name]}) != _comparable({0: mine[name]})}
        model.update(version=version, **updates).where(model.id == item.local_id).execute()
        _set_base(partner, record["uuid"], record["version"], values)
        _touch(model, result, item.local_id, touched_projects)
    for project_id in touched_projects:
        if Project.select().where(Project.id == project_id).exists():
            refresh_project_cache(project_id)
            _refresh_status(project_id)
            _refresh_fund_totals(project_id, {kind for pid, kind in touched_funds if pid == project_id})


def _touch(model, values: dict, row_id: int, projects: set[int], *, deleted: bool = False) -> None:
    if model in (StepRecord, StatusChange, FundEntry) and values.get("project"):
        projects.add(values["project"])
    elif model is Project and not deleted:
        projects.add(row_id)


def _refresh_status(project_id: int) -> None:
    """正常/暂缓/终止 as the latest status change this PC now holds says (the sender stored it that way
    too, without a new version of the project, so the project row itself may not have come along)."""
    from desktop.services.projects import current_status

    status = current_status(project_id)
    Project.update(status=status).where((Project.id == project_id) & (Project.status != status)).execute()


def _refresh_fund_totals(project_id: int, changed_kinds: set[str]) -> None:
    """The project's 到位资金/完成投资 as the sums of the monthly entries this PC now holds: for each kind
    whose entries the file changed (none left: no total, as on the PC that deleted them) or that has
    entries here. A total typed without any entries is the project's own field and travels with it.
    Both PCs work the totals out the same way, so they agree once both hold the same entries."""
    kinds = {kind for (kind,) in FundEntry.select(FundEntry.kind).where(FundEntry.project == project_id).distinct().tuples()}
    for kind in sorted(kinds | changed_kinds):
        refresh_project_total(project_id, kind)


def _set_base(partner: ExchangePartner, uuid: str, version: int, values: dict) -> None:
    data = json.dumps(_comparable(values), ensure_ascii=False)
    row = ExchangeBase.get_or_none(partner=partner.id, record_uuid=uuid)
    if row is None:
        ExchangeBase.create(partner=partner.id, record_uuid=uuid, version=version, data=data)
    else:
        row.version, row.data = version, data
        row.save()
