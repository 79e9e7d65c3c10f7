"""The demo's leads, forums, 乡贤, investors, chains and checklists (and the figures they must not move)."""

from __future__ import annotations

import datetime as dt

from desktop.models import Project, StepRecord, LifecycleStep
from desktop.models.approvals import ApprovalItem, ApprovalCatalogItem
from desktop.models.leads import Forum, Lead, Xiangxian
from desktop.services import approvals, chains, investors, leads
from desktop.services.demo import REFERENCE_FIGURES
from desktop.services.stats import compute_stats

H1 = (dt.date(2022, 1, 1), dt.date(2022, 6, 30))


def test_forums_and_leads_match_the_article(demo_db):
    figures = leads.lead_stats(*H1)
    assert figures["forums"] >= 11  # “10 余场”
    assert figures["forum_leads"] >= 61  # “60 余条”
    assert figures["leads"] > figures["forum_leads"]  # other sources too
    for lead in Lead.select().where(Lead.forum.is_null(False)):
        assert lead.received_on == Forum.get_by_id(lead.forum_id).held_on
    assert Xiangxian.select().count() >= 30
    assert all(forum.attendee_ids for forum in leads.list_forums())


def test_converted_leads_belong_to_the_72_and_keep_the_figures(demo_db):
    converted = list(Lead.select().where(Lead.project.is_null(False)))
    assert len(converted) >= 5
    signed = {pid for (pid,) in StepRecord.select(StepRecord.project).join(LifecycleStep)
              .where((LifecycleStep.number == 9) & (StepRecord.done_on <= H1[1])).tuples()}
    for lead in converted:
        project = Project.get_by_id(lead.project_id)
        assert lead.status == "已转化"
        assert lead.first_unit_id == project.first_unit_id
        assert project.id not in signed
    assert compute_stats(*H1) == REFERENCE_FIGURES


def test_investors_have_valid_codes_contacts_and_duplicates(demo_db):
    coded = [item for item in investors.list_investors() if item.credit_code]
    assert len(coded) >= 10
    assert all(investors.credit_code_problem(item.credit_code) is None for item in coded)
    pairs = investors.find_duplicates()
    assert any("富远" in pair.first_name and "富远" in pair.second_name for pair in pairs)
    fuyuan = next(item for item in investors.list_investors("福建富远铝业有限公司"))
    assert investors.get_investor(fuyuan.id).contacts


def test_light_alloy_chain_runs_from_smelting_to_products(demo_db):
    chain_id = dict((name, cid) for cid, name in chains.list_chains())["轻合金"]
    view = chains.chain_view(chain_id)
    assert view.local_company_count >= 20
    names = {name for link in view.links for _, name in link.companies}
    assert "福建富远铝业有限公司" in names
    assert {link.strength for link in view.links} == {chains.STRONG, chains.WEAK, chains.MISSING}
    rows = chains.battle_table(H1[1])
    assert any(row.overdue for row in rows)
    assert all(row.unit and row.leader for row in rows if not row.target.startswith("（"))


def test_checklists_only_claim_steps_the_projects_have(demo_db):
    listed = approvals.projects_with_checklists()
    assert len(listed) >= 4
    assert approvals.overdue_items(H1[1])
    for item in (ApprovalItem.select(ApprovalItem, ApprovalCatalogItem).join(ApprovalCatalogItem)
                 .where(ApprovalItem.status == "已办结")):
        step = 17 if item.catalog_item.name in approvals.PLANNING_ITEMS else item.catalog_item.step_number
        if step is None:
            continue
        assert (StepRecord.select().join(LifecycleStep)
                .where((StepRecord.project == item.project_id) & (LifecycleStep.number == step)
                       & (StepRecord.not_applicable == False)).exists()), item.catalog_item.name  # noqa: E712
