"""J3, issue 7 item 11: the permission matrix over every URL name.

Every URL pattern of the site (django.urls' resolver: the pages and every API operation) must have
an entry below that says which actions of the role × action table (accounts.choices.PERMISSIONS)
open it, per method. The test requests each of them, with real ids inside the roles' scope and,
for the API, a body of the documented shape, as an anonymous visitor and as each role of
accounts.choices.Role, and asserts the outcome the table gives:

- anonymous: a page redirects to the log-in page, the API answers 401 (unless the entry is PUBLIC);
- a role that holds one of the entry's actions: it works (no 401, 403, 405, no log-in redirect, and
  never a 500; a refused input, 404 of an act that does not apply to this object, 409 or 422, is a
  working door);
- any other role: 403.

A new URL without an entry fails `test_every_url_has_an_entry`: a new app declares its URLs'
permissions here. Each request runs in a savepoint that is rolled back, so every role meets the
same objects.
"""
import copy
import json
import re

import pytest
from django.db import transaction
from django.test import Client

from liudong.accounts.choices import Action as A
from liudong.accounts.choices import Role, allowed

from .matrix_world import build, example_body, fill

# --- expectations ------------------------------------------------------------------------------

PUBLIC = "public"   # no log-in needed: requested once, anonymously
STAFF = ()          # any logged-in account, whatever its role


class Placed(tuple):
    """Actions that open a door only at some levels of the tree: a role holding them elsewhere is
    refused with 403 by the service (not by the table). `refused`: the roles of the shared world
    so placed."""

    def __new__(cls, actions, refused, why):
        self = super().__new__(cls, actions)
        self.refused, self.why = frozenset(refused), why
        return self


# The county officer handles cases (B1-B6, F1-F4), but only the residence township decides a
# registration (B4) and only the hukou county answers a fee consultation (F2: the world's one was
# sent by this county); only the nation's or a province's administrator loads the official
# calendar (X4), and the world's administrator acts for a county.
TOWNSHIP_DECIDES = Placed((A.HANDLE_CASES,), {"county_officer"}, "B4: the residence township decides")
HUKOU_COUNTY_ANSWERS = Placed((A.HANDLE_CASES,), {"county_officer"}, "F2: the hukou county answers")
# T1: a division's own staff submit its report (the world's township report: its township's staff;
# the levels above are refused), and only the level directly above approves or returns it.
OWN_LEVEL_SUBMITS = Placed((A.SUBMIT_REPORTS,), {"county_officer", "city_officer", "province_officer", "nation_officer"}, "T1: a division submits its own report")
LEVEL_ABOVE_APPROVES = Placed((A.APPROVE_REPORTS,), {"township_clerk", "township_head", "city_officer", "province_officer", "nation_officer"},
                              "T1: only the level directly above approves or returns")
# Part 11: a county sets its townships' submission tasks (the other levels that approve reports are refused).
COUNTY_SETS_TASKS = Placed((A.APPROVE_REPORTS,), {"township_clerk", "township_head", "city_officer", "province_officer", "nation_officer"},
                           "part 11: the county sets its townships' submission tasks")
NATION_OR_PROVINCE_ADMIN = Placed((A.MANAGE_CALENDAR,), {"admin"}, "X4: the nation's or a province's administrator loads the calendar")

# url name -> {method: actions, one of which suffices}. Pages: GET and the write methods they take.
PAGES = {
    "set_language": {"POST": PUBLIC},
    "login": {"GET": PUBLIC, "POST": PUBLIC},
    "logout": {"POST": PUBLIC},  # ends the session if there is one, and shows the log-in page
    "home": {"GET": STAFF},
    "audit": {"GET": (A.VIEW_AUDIT,)},
    "grid_list": {"GET": (A.MANAGE_GRIDS, A.VIEW_PERSON), "POST": (A.MANAGE_GRIDS,)},
    "grid_edit": {"POST": (A.MANAGE_GRIDS,)},
    "division_pick": {"GET": STAFF},
    "person_search": {"GET": (A.VIEW_PERSON,)},
    "person_register": {"GET": (A.REGISTER_PERSON,), "POST": (A.REGISTER_PERSON,)},
    "person_import": {"GET": (A.REGISTER_PERSON,), "POST": (A.REGISTER_PERSON,)},
    "person_import_result": {"GET": (A.REGISTER_PERSON,)},
    "person_import_template": {"GET": (A.REGISTER_PERSON,)},
    "person_detail": {"GET": (A.VIEW_PERSON,)},
    "person_print": {"GET": (A.VIEW_PERSON,)},
    "person_edit": {"GET": (A.REGISTER_PERSON,), "POST": (A.REGISTER_PERSON,)},
    "person_arrival": {"POST": (A.RECORD_RESIDENCE,)},
    "person_move": {"POST": (A.RECORD_RESIDENCE,)},
    "person_return": {"POST": (A.RECORD_RESIDENCE,)},
    "person_departure": {"POST": (A.RECORD_RESIDENCE,)},
    "person_family": {"POST": (A.MANAGE_FAMILY,)},
    "person_family_care": {"POST": (A.MANAGE_FAMILY,)},
    "person_visit": {"POST": (A.RECORD_RESIDENCE,)},
    "person_follow_up": {"GET": (A.VIEW_PERSON,)},
    "housing_list": {"GET": (A.VIEW_PERSON,)},
    "housing_new": {"GET": (A.MANAGE_HOUSING,), "POST": (A.MANAGE_HOUSING,)},
    "housing_detail": {"GET": (A.VIEW_PERSON,)},
    "housing_edit": {"POST": (A.MANAGE_HOUSING,)},
    "housing_close": {"POST": (A.MANAGE_HOUSING,)},
    "employer_list": {"GET": (A.VIEW_PERSON,)},
    "employer_new": {"GET": (A.MANAGE_EMPLOYER,), "POST": (A.MANAGE_EMPLOYER,)},
    "employer_detail": {"GET": (A.VIEW_PERSON,)},
    "employer_edit": {"POST": (A.MANAGE_EMPLOYER,)},
    "employer_close": {"POST": (A.MANAGE_EMPLOYER,)},
    "registers": {"GET": (A.VIEW_REGISTERS,)},
    "register_xlsx": {"GET": (A.EXPORT_REGISTERS,)},
    "register_pdf": {"GET": (A.EXPORT_REGISTERS,)},
    # Q1-Q9: the query desk's pages; the station's consent tasks; the county's approvals.
    "desk_index": {"GET": (A.TAKE_QUERIES,)},
    "desk_new": {"GET": (A.TAKE_QUERIES,), "POST": (A.TAKE_QUERIES,)},
    "desk_register": {"GET": (A.TAKE_QUERIES,)},
    "desk_verify": {"GET": (A.TAKE_QUERIES,)},
    "desk_detail": {"GET": (A.TAKE_QUERIES,)},
    "desk_print": {"GET": (A.TAKE_QUERIES,)},
    "desk_acknowledge": {"POST": (A.TAKE_QUERIES,)},
    "desk_run": {"POST": (A.TAKE_QUERIES,)},
    "desk_select": {"POST": (A.TAKE_QUERIES,)},
    "desk_application_pdf": {"GET": (A.TAKE_QUERIES,)},
    "desk_agreement_pdf": {"GET": (A.TAKE_QUERIES,)},
    "desk_result_pdf": {"GET": (A.TAKE_QUERIES,)},
    "desk_scan": {"GET": (A.TAKE_QUERIES,)},
    # Q4: the result sheet's QR code opens a public check (genuine or not, masked name, no values).
    "desk_public_check": {"GET": PUBLIC},
    "desk_consent_tasks": {"GET": (A.ANSWER_CONSENT,)},
    "desk_consent_answer": {"POST": (A.ANSWER_CONSENT,)},
    "desk_consent_task_answer": {"POST": (A.ANSWER_CONSENT,)},
    "desk_approvals": {"GET": (A.APPROVE_QUERY_STATISTICS,)},
    # Issue 14 (T1): the report pages; a step the actor's level may not take is refused on the page.
    "statistics_index": {"GET": (A.VIEW_REPORTS,)}, "statistics_report": {"GET": (A.VIEW_REPORTS,)},
    "statistics_report_xlsx": {"GET": (A.VIEW_REPORTS,)}, "statistics_submit": {"POST": (A.SUBMIT_REPORTS,)},
    "statistics_approve": {"POST": (A.APPROVE_REPORTS,)}, "statistics_return": {"POST": (A.APPROVE_REPORTS,)},
    "statistics_assessment": {"GET": (A.VIEW_REPORTS,)},
    "statistics_bulletins": {"GET": (A.VIEW_REPORTS,)}, "statistics_bulletin": {"GET": (A.VIEW_REPORTS,)},
    "statistics_bulletin_pdf": {"GET": (A.VIEW_REPORTS,)},
    # T3: the assessment sheet's exports; part 11: the townships' submission tasks (a county sets them).
    "statistics_assessment_xlsx": {"GET": (A.VIEW_REPORTS,)}, "statistics_assessment_pdf": {"GET": (A.VIEW_REPORTS,)},
    "statistics_tasks_index": {"GET": (A.VIEW_REPORTS,)}, "statistics_tasks": {"GET": (A.VIEW_REPORTS,)},
    "statistics_tasks_xlsx": {"GET": (A.VIEW_REPORTS,)}, "statistics_task_set": {"POST": COUNTY_SETS_TASKS},
    "desk_approve": {"POST": (A.APPROVE_QUERY_STATISTICS,)},
    # The policy and calendar pages are the administrators' (the API's GET /policy/values also
    # serves the roles that apply the values).
    "policy_index": {"GET": (A.MANAGE_POLICY, A.MANAGE_CALENDAR)},
    "policy_adopt": {"POST": (A.MANAGE_POLICY,)},
    "policy_set": {"POST": (A.MANAGE_POLICY,)},
    "calendar_index": {"GET": (A.MANAGE_POLICY, A.MANAGE_CALENDAR), "POST": NATION_OR_PROVINCE_ADMIN},
    "exchange_index": {"GET": (A.VIEW_EXCHANGE,)},
    "exchange_new": {"GET": (A.HANDLE_EXCHANGE,), "POST": (A.HANDLE_EXCHANGE,)},
    "exchange_detail": {"GET": (A.VIEW_EXCHANGE,)},
    "exchange_acknowledge": {"POST": (A.HANDLE_EXCHANGE,)},
    "exchange_reply": {"POST": (A.HANDLE_EXCHANGE,)},
    "exchange_arrival": {"POST": (A.HANDLE_EXCHANGE,)},
    "exchange_dispatch": {"POST": (A.HANDLE_EXCHANGE,)},
    "exchange_close": {"POST": (A.HANDLE_EXCHANGE,)},
    "exchange_forward": {"POST": (A.HANDLE_EXCHANGE,)},   # B2: a county forwards a request to its township
    "exchange_attachment": {"GET": (A.VIEW_EXCHANGE,)},
    "exchange_log": {"GET": (A.VIEW_EXCHANGE,)},
    "exchange_accept": {"POST": (A.HANDLE_EXCHANGE,)},   # holes 1, 3: her place answers a claim
    "exchange_dispute": {"POST": (A.HANDLE_EXCHANGE,)},
    # Issue 16: registering the person a message carried needs the right to register people too.
    "node_watch": {"GET": (A.VIEW_TIMELINESS,)},   # issue 16: the hub's national watch list
    "exchange_register_carried": {"POST": Placed((A.HANDLE_EXCHANGE,), {"township_head", "county_officer"}, "issue 16: registering needs REGISTER_PERSON")},
    "arrival_claims": {"GET": (A.VIEW_PERSON,)},
    "arrival_claim_new": {"POST": (A.RECORD_RESIDENCE,)},
    "family_propose": {"POST": (A.MANAGE_FAMILY,)},
    "family_proposals": {"GET": (A.VIEW_SENSITIVE,)},
    "exchange_log_pdf": {"GET": (A.VIEW_EXCHANGE,)},
    "timeliness": {"GET": (A.VIEW_TIMELINESS,)},
    "cases_index": {"GET": (A.HANDLE_CASES,)},
    # Issue 13: the police's residence pages and printed documents; the public check page of a permit's QR code.
    "permits_index": {"GET": (A.HANDLE_RESIDENCE,)}, "permit_detail": {"GET": (A.HANDLE_RESIDENCE,)},
    "permit_decide": {"POST": (A.HANDLE_RESIDENCE,)}, "permit_endorse": {"POST": (A.HANDLE_RESIDENCE,)},
    "permit_application_pdf": {"GET": (A.HANDLE_RESIDENCE,)}, "permit_decision_pdf": {"GET": (A.HANDLE_RESIDENCE,)},
    "permit_card_pdf": {"GET": (A.HANDLE_RESIDENCE,)},
    "permit_apply": {"GET": (A.HANDLE_RESIDENCE,), "POST": (A.HANDLE_RESIDENCE,)}, "permit_scan": {"GET": (A.HANDLE_RESIDENCE,)},
    "registration_complete": {"POST": (A.HANDLE_RESIDENCE,)}, "registration_voucher_pdf": {"GET": (A.HANDLE_RESIDENCE,)},
    "permit_public": {"GET": PUBLIC},
    "case_birth_new": {"GET": (A.HANDLE_CASES,), "POST": (A.HANDLE_CASES,)},
    "case_birth_detail": {"GET": (A.HANDLE_CASES,)},
    "case_birth_decide": {"POST": TOWNSHIP_DECIDES},
    "case_birth_refusal_pdf": {"GET": (A.HANDLE_CASES,)},
    "case_second_birth_new": {"GET": (A.HANDLE_CASES,), "POST": (A.HANDLE_CASES,)},
    "case_second_birth_detail": {"GET": (A.HANDLE_CASES,)},
    "case_fee_new": {"GET": (A.HANDLE_CASES,), "POST": (A.HANDLE_CASES,)},
    "case_fee_detail": {"GET": (A.HANDLE_CASES,)},
    "case_fee_answer": {"POST": HUKOU_COUNTY_ANSWERS},
    "case_message_send": {"POST": (A.HANDLE_CASES,)},
    # S1-S6: technical services; the institution list and a slip's QR check are public (S6, S2).
    "services_index": {"GET": (A.VIEW_SERVICES,)},
    "services_check_new": {"POST": (A.HANDLE_SERVICES,)},
    "services_slip_pdf": {"GET": (A.VIEW_SERVICES,)},
    "services_register_pdf": {"GET": (A.VIEW_SERVICES,)},
    "services_person": {"GET": (A.VIEW_SERVICES,)},
    "services_distributions": {"GET": (A.VIEW_SERVICES,), "POST": (A.HANDLE_SERVICES,)},
    "services_book_pdf": {"GET": (A.VIEW_SERVICES,)},
    "services_institutions": {"GET": PUBLIC},
    "services_institutions_pdf": {"GET": PUBLIC},
    "services_slip_check": {"GET": PUBLIC},
    # S3 the hukou side's page and S1 the catalogue with its points: read by VIEW_SERVICES, written by HANDLE_SERVICES.
    "services_outflow": {"GET": (A.VIEW_SERVICES,), "POST": (A.HANDLE_SERVICES,)},
    "services_catalogue": {"GET": (A.VIEW_SERVICES,), "POST": (A.HANDLE_SERVICES,)},
    # Background exports: any account may open the pages; what it may export is checked by the
    # export's kind (a register: EXPORT_REGISTERS, see api:create_export) and a job is shown to
    # whoever may make it in that scope (404 otherwise).
    "export_list": {"GET": STAFF},
    "export_create": {"POST": STAFF},
    "export_detail": {"GET": STAFF},
    "export_status": {"GET": STAFF},
    "export_file": {"GET": STAFF},
    "export_cancel": {"POST": STAFF},
    # C6: the public verification page opened from a certificate's QR code.
    "certificate_public": {"GET": PUBLIC},
    "certificate_due": {"GET": (A.VIEW_CERTIFICATES,)}, "certificate_detail": {"GET": (A.VIEW_CERTIFICATES,)},
    "certificate_pdf_page": {"GET": (A.VIEW_CERTIFICATES,)},
    # issue 10's staff forms: C5, C6 for the verifying roles; C1-C4, 补办, revocation, 3-八-1 for the issuing ones.
    "certificate_verify": {"POST": (A.VERIFY_CERTIFICATES,)}, "certificate_entry": {"POST": (A.VERIFY_CERTIFICATES,)},
    "certificate_renew": {"POST": (A.ISSUE_CERTIFICATES,)}, "certificate_reissue": {"POST": (A.ISSUE_CERTIFICATES,)},
    "certificate_revoke": {"POST": (A.ISSUE_CERTIFICATES,)},
    "certificate_issue": {"GET": (A.ISSUE_CERTIFICATES,), "POST": (A.ISSUE_CERTIFICATES,)},
    "certificate_status_proof": {"GET": (A.ISSUE_CERTIFICATES,), "POST": (A.ISSUE_CERTIFICATES,)},
    "certificate_status_proof_pdf": {"GET": (A.VIEW_CERTIFICATES,)},
    # 上门 (C1, part 8 四): villages take applications door to door, the township issues or refuses.
    "certificate_applications": {"GET": (A.VIEW_CERTIFICATES,)}, "certificate_application": {"GET": (A.VIEW_CERTIFICATES,)},
    "certificate_application_new": {"GET": (A.TAKE_CERTIFICATE_APPLICATIONS,), "POST": (A.TAKE_CERTIFICATE_APPLICATIONS,)},
    "certificate_application_issue": {"POST": (A.ISSUE_CERTIFICATES,)}, "certificate_application_refuse": {"POST": (A.ISSUE_CERTIFICATES,)},
    # Issue 15: duplicates (R8) for the roles that merge; the review chain (R6) for every role that
    # sees persons (the service then asks for the form's step).
    "quality_duplicates": {"GET": (A.MERGE_PEOPLE,), "POST": (A.MERGE_PEOPLE,)},
    "quality_candidate": {"GET": (A.MERGE_PEOPLE,), "POST": (A.MERGE_PEOPLE,)},
    "quality_merge": {"GET": (A.MERGE_PEOPLE,), "POST": (A.MERGE_PEOPLE,)},
    # Issue 15 part 4: the import's batches and column mappings, for whoever imports.
    "quality_imports": {"GET": (A.REGISTER_PERSON,)},
    "quality_import": {"GET": (A.REGISTER_PERSON,), "POST": (A.REGISTER_PERSON,)},
    "quality_import_job": {"GET": (A.REGISTER_PERSON,)},
    "quality_import_mapping_new": {"GET": (A.REGISTER_PERSON,), "POST": (A.REGISTER_PERSON,)},
    "quality_import_mapping": {"GET": (A.REGISTER_PERSON,), "POST": (A.REGISTER_PERSON,)},
    "quality_reviews": {"GET": (A.VIEW_PERSON,)},
    "quality_review": {"GET": (A.VIEW_PERSON,), "POST": (A.VIEW_PERSON,)},
    "quality_backchecks": {"GET": (A.RUN_BACKCHECKS,), "POST": (A.RUN_BACKCHECKS,)},
    "quality_backcheck_draw": {"GET": (A.RUN_BACKCHECKS,)},
    "quality_backcheck_item": {"GET": (A.RUN_BACKCHECKS,), "POST": (A.RUN_BACKCHECKS,)},
    "quality_reconciliations": {"GET": (A.HANDLE_CASES,), "POST": (A.HANDLE_CASES,)},
    "quality_reconciliation": {"GET": (A.HANDLE_CASES,), "POST": (A.HANDLE_CASES,)},
}

# API operation (its URL name under the `api` namespace) -> actions. The method is the operation's.
API = {
    # Q1-Q9: the query desk takes outside queries; the station's police record a subject's consent;
    # a county officer or above approves a statistics query.
    "api:inquiry_categories": (A.TAKE_QUERIES,),
    "api:inquiry_list": (A.TAKE_QUERIES,),
    "api:inquiry_create": (A.TAKE_QUERIES,),
    "api:inquiry_detail": (A.TAKE_QUERIES,),
    "api:inquiry_acknowledge": (A.TAKE_QUERIES,),
    "api:inquiry_run": (A.TAKE_QUERIES,),
    "api:inquiry_select": (A.TAKE_QUERIES,),
    "api:inquiry_consent": (A.ANSWER_CONSENT,),
    "api:consent_task_list": (A.ANSWER_CONSENT,),
    "api:consent_task_answer": (A.ANSWER_CONSENT,),
    "api:inquiry_approve": (A.APPROVE_QUERY_STATISTICS,),
    "api:api-root": PUBLIC, "api:openapi-json": PUBLIC, "api:openapi-view": PUBLIC, "api:token": PUBLIC,
    "api:me": STAFF,
    "api:add_staff": (A.MANAGE_STAFF,),
    "api:audit": (A.VIEW_AUDIT,),
    "api:division": STAFF, "api:children": STAFF,
    "api:list_grids": (A.MANAGE_GRIDS, A.VIEW_REGISTERS), "api:create_grid": (A.MANAGE_GRIDS,), "api:update_grid": (A.MANAGE_GRIDS,),
    "api:create_person": (A.REGISTER_PERSON,), "api:search_persons": (A.VIEW_PERSON,), "api:get_person": (A.VIEW_PERSON,),
    "api:update_person": (A.REGISTER_PERSON,),
    "api:add_residence": (A.RECORD_RESIDENCE,), "api:move": (A.RECORD_RESIDENCE,), "api:return_home": (A.RECORD_RESIDENCE,),
    "api:leave": (A.RECORD_RESIDENCE,), "api:add_family": (A.MANAGE_FAMILY,),
    "api:family_care": (A.MANAGE_FAMILY,), "api:add_visit": (A.RECORD_RESIDENCE,),
    "api:create_export": (A.EXPORT_REGISTERS,),  # with a register export's body (BODIES)
    "api:list_exports": STAFF, "api:get_export": STAFF, "api:export_file": STAFF, "api:cancel_export": STAFF,
    "api:list_housing": (A.VIEW_PERSON,), "api:create_housing": (A.MANAGE_HOUSING,), "api:get_housing": (A.VIEW_PERSON,),
    "api:update_housing": (A.MANAGE_HOUSING,), "api:close_housing": (A.MANAGE_HOUSING,),
    "api:list_employers": (A.VIEW_PERSON,), "api:create_employer": (A.MANAGE_EMPLOYER,), "api:get_employer": (A.VIEW_PERSON,),
    "api:update_employer": (A.MANAGE_EMPLOYER,), "api:close_employer": (A.MANAGE_EMPLOYER,),
    "api:register": (A.VIEW_REGISTERS,), "api:register_xlsx": (A.EXPORT_REGISTERS,), "api:register_pdf": (A.EXPORT_REGISTERS,),
    "api:add_working_days": STAFF, "api:working_days": STAFF,
    # Issue 13: the police handle residence registration and permits; family-planning roles see only whether a permit exists.
    "api:apply_residence_permit": (A.HANDLE_RESIDENCE,), "api:get_residence_permit": (A.HANDLE_RESIDENCE,),
    "api:decide_residence_permit": (A.HANDLE_RESIDENCE,), "api:endorse_residence_permit": (A.HANDLE_RESIDENCE,),
    "api:residence_permit_exists": (A.VIEW_PERMIT_EXISTS,),
    "api:list_residence_registrations": (A.HANDLE_RESIDENCE,), "api:complete_residence_registration": (A.HANDLE_RESIDENCE,),
    "api:policy_values": (A.MANAGE_POLICY, A.HANDLE_CASES, A.VIEW_EXCHANGE), "api:set_value": (A.MANAGE_POLICY,), "api:adopt": (A.MANAGE_POLICY,),
    "api:list_messages": (A.VIEW_EXCHANGE,), "api:send_message": (A.HANDLE_EXCHANGE,), "api:get_message": (A.VIEW_EXCHANGE,),
    "api:acknowledge": (A.HANDLE_EXCHANGE,), "api:reply": (A.HANDLE_EXCHANGE,), "api:arrival": (A.HANDLE_EXCHANGE,),
    "api:dispatch": (A.HANDLE_EXCHANGE,), "api:close": (A.HANDLE_EXCHANGE,), "api:attachment": (A.VIEW_EXCHANGE,),
    "api:forward": (A.HANDLE_EXCHANGE,),
    "api:accept": (A.HANDLE_EXCHANGE,), "api:dispute": (A.HANDLE_EXCHANGE,),
    "api:submit_claim": (A.RECORD_RESIDENCE,), "api:list_claims": (A.VIEW_PERSON,), "api:get_claim": (A.VIEW_PERSON,),
    "api:propose_family": (A.MANAGE_FAMILY,), "api:get_proposal": (A.VIEW_PERSON,), "api:list_proposals": (A.VIEW_SENSITIVE,),
    "api:timeliness_figures": (A.VIEW_TIMELINESS,),
    "api:national_watch": (A.VIEW_TIMELINESS,),
    "api:get_report": (A.VIEW_REPORTS,), "api:submit_report": OWN_LEVEL_SUBMITS,
    "api:approve_report": LEVEL_ABOVE_APPROVES, "api:return_report": LEVEL_ABOVE_APPROVES, "api:get_assessment": (A.VIEW_REPORTS,),
    "api:list_bulletins": (A.VIEW_REPORTS,), "api:get_bulletin": (A.VIEW_REPORTS,), "api:bulletin_pdf": (A.VIEW_REPORTS,),
    "api:list_submission_tasks": (A.VIEW_REPORTS,), "api:create_submission_task": COUNTY_SETS_TASKS, "api:get_submission_progress": (A.VIEW_REPORTS,),
    "api:create_birth": (A.HANDLE_CASES,), "api:list_births": (A.HANDLE_CASES,), "api:get_birth": (A.HANDLE_CASES,),
    "api:decide_birth": TOWNSHIP_DECIDES, "api:refusal_letter": (A.HANDLE_CASES,),
    "api:create_second_birth": (A.HANDLE_CASES,), "api:list_second_births": (A.HANDLE_CASES,), "api:get_second_birth": (A.HANDLE_CASES,),
    # C1-C6: the hukou township issues, renews, reissues and revokes (only the issuing township:
    # the service refuses others with 422); residence townships and villages verify and enter.
    "api:create_certificate": (A.ISSUE_CERTIFICATES,), "api:list_certificates": (A.VIEW_CERTIFICATES,),
    "api:due_certificates": (A.VIEW_CERTIFICATES,), "api:get_certificate": (A.VIEW_CERTIFICATES,),
    "api:add_certificate_verification": (A.VERIFY_CERTIFICATES,), "api:add_certificate_entry": (A.VERIFY_CERTIFICATES,),
    "api:renew_certificate": (A.ISSUE_CERTIFICATES,), "api:reissue_certificate": (A.ISSUE_CERTIFICATES,),
    "api:revoke_certificate": (A.ISSUE_CERTIFICATES,), "api:certificate_pdf": (A.VIEW_CERTIFICATES,),
    "api:create_status_proof": (A.ISSUE_CERTIFICATES,), "api:status_proof_pdf": (A.VIEW_CERTIFICATES,),
    "api:certificate_register_pdf": (A.VIEW_CERTIFICATES,), "api:certificate_card_pdf": (A.VIEW_CERTIFICATES,),
    "api:create_door_application": (A.TAKE_CERTIFICATE_APPLICATIONS,), "api:list_door_applications": (A.VIEW_CERTIFICATES,),
    "api:get_door_application": (A.VIEW_CERTIFICATES,), "api:issue_door_application": (A.ISSUE_CERTIFICATES,),
    "api:refuse_door_application": (A.ISSUE_CERTIFICATES,),
    # S1-S6: technical services; police and the query desk never (invariant 2); the province publishes S6.
    "api:create_check": (A.HANDLE_SERVICES,), "api:checks_due": (A.VIEW_SERVICES,), "api:list_checks": (A.VIEW_SERVICES,),
    "api:create_mailed_report": (A.HANDLE_SERVICES,), "api:create_advice": (A.HANDLE_SERVICES,), "api:list_returnees": (A.VIEW_SERVICES,),
    "api:create_returnee_visit": (A.HANDLE_SERVICES,), "api:create_distribution": (A.HANDLE_SERVICES,), "api:list_distributions": (A.VIEW_SERVICES,),
    "api:distribution_totals": (A.VIEW_SERVICES,), "api:list_service_items": (A.VIEW_SERVICES,), "api:list_points": (A.VIEW_SERVICES,),
    "api:create_point": (A.HANDLE_SERVICES,), "api:list_institutions": PUBLIC, "api:create_institution": (A.PUBLISH_INSTITUTIONS,),
    # Issue 15: duplicates and merges (R8), the review chain (R6), back-checks (R7), births reconciled (R9).
    "api:scan": (A.MERGE_PEOPLE,), "api:list_candidates": (A.MERGE_PEOPLE,), "api:merge": (A.MERGE_PEOPLE,), "api:dismiss": (A.MERGE_PEOPLE,),
    "api:get_merge": (A.MERGE_PEOPLE,), "api:undo": (A.MERGE_PEOPLE,),
    # The held import rows in the duplicates list (whoever imports decides them), a county scan's
    # outside twin claimed by a township clerk (whoever records arrivals).
    "api:decide_held": (A.REGISTER_PERSON,), "api:claim_outside": (A.RECORD_RESIDENCE,),
    "api:list_reviews": (A.VIEW_PERSON,), "api:sign_review": (A.VIEW_PERSON,), "api:resubmit_review": (A.REGISTER_PERSON,),
    "api:draw_backchecks": (A.RUN_BACKCHECKS,), "api:spot": (A.RUN_BACKCHECKS,), "api:backcheck_result": (A.RUN_BACKCHECKS,), "api:backcheck_rates": (A.RUN_BACKCHECKS,),
    "api:reconcile": (A.HANDLE_CASES,), "api:resolve": (A.HANDLE_CASES,),
    # Issue 15 part 4: imports from other systems.
    "api:list_mappings": (A.REGISTER_PERSON,), "api:create_mapping": (A.REGISTER_PERSON,), "api:edit_mapping": (A.REGISTER_PERSON,),
    "api:start_import": (A.REGISTER_PERSON,), "api:list_batches": (A.REGISTER_PERSON,), "api:get_batch": (A.REGISTER_PERSON,),
    "api:rollback": (A.REGISTER_PERSON,), "api:decide": (A.REGISTER_PERSON,),
    "api:create_fee": (A.HANDLE_CASES,), "api:list_fees": (A.HANDLE_CASES,), "api:get_fee": (A.HANDLE_CASES,), "api:answer_fee": HUKOU_COUNTY_ANSWERS,
}

# Django's own admin site (django-admin/) opens to accounts with is_staff, which add_staff gives
# the admin and auditor roles; what each sees there is tested in tests/accounts/test_admin.py. The
# matrix holds its door: nobody of the shared world (is_staff unset) gets past the admin's log-in.
ADMIN_NAMESPACE = "admin"

ROLES = [r.value for r in Role]

# Bodies that the documented schema alone does not make meaningful: the export's kind is free text.
BODIES = {"api:create_export": {"kind": "inflow_register", "format": "xlsx", "parameters": {"start": "2026-01-01", "end": "2026-11-28"}}}


# --- the URLs ------------------------------------------------------------------------------------

def url_patterns() -> list[tuple[str, str]]:
    """(name, route) of every URL pattern, the name qualified by its namespace."""
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = ":".join(n for n in (namespace, p.namespace) if n) or None
                yield from walk(p.url_patterns, prefix + str(p.pattern), inner)
            else:
                name = p.name or str(p.pattern)
                yield (f"{namespace}:{name}" if namespace else name), prefix + str(p.pattern)

    return list(walk(get_resolver().url_patterns, "", None))


def api_methods() -> dict[str, list[str]]:
    """URL name -> the methods of the API operation that URL pattern serves."""
    from liudong.api import api

    methods = {}
    for router in api._get_bound_routers():
        for view in router.path_operations.values():
            for op in view.operations:
                methods["api:" + (getattr(op, "url_name", None) or api.get_operation_url_name(op, router=router))] = list(op.methods)
    return methods


def requests_to_make():
    """(name, method, route, actions) for every URL pattern outside the admin."""
    methods = api_methods()
    out = []
    for name, route in url_patterns():
        if name.split(":")[0] == ADMIN_NAMESPACE:
            continue
        if name in API:
            for method in methods.get(name, ["GET"]):
                out.append((name, method, route, API[name]))
        elif name in PAGES:
            for method, actions in PAGES[name].items():
                out.append((name, method, route, actions))
    return out


def test_every_url_has_an_entry():
    """A URL nobody declared fails here: add it to PAGES or API with the actions that open it."""
    names = {name for name, _ in url_patterns() if name.split(":")[0] != ADMIN_NAMESPACE}
    missing = sorted(names - set(PAGES) - set(API))
    stale = sorted((set(PAGES) | set(API)) - names)
    assert not missing, f"URLs without an entry in the permission matrix: {missing}"
    assert not stale, f"entries for URLs that no longer exist: {stale}"
    for actions in [*API.values(), *(a for entry in PAGES.values() for a in entry.values())]:
        assert actions in (PUBLIC, STAFF) or set(actions) <= set(A.values), actions
        assert set(getattr(actions, "refused", ())) <= set(ROLES)


# --- the requests --------------------------------------------------------------------------------

def _expected(role, actions, api: bool):
    if actions == PUBLIC:
        return "works"
    if role is None:
        return 401 if api else "login"
    if role in getattr(actions, "refused", ()):
        return 403
    if actions == STAFF or any(allowed(role, a) for a in actions):
        return "works"
    return 403


def _outcome(response, api: bool, actions=None):
    status = response.status_code
    if actions == PUBLIC:
        # a log-in door: a refused password (401) or the log-in page after logging out still works
        return status if status >= 500 or status in (403, 405) else "works"
    to_login = status in (301, 302) and response["Location"].startswith(("/login/", "/django-admin/login/"))
    if to_login:
        return "login"
    if status >= 500 or status in (401, 403, 405):
        return status
    return "works"


def _send(client, method, path, *, api, token, body):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    saved = copy.deepcopy(client.cookies)  # the log-out page ends the session: every request starts logged in
    with transaction.atomic():
        if api:
            response = client.generic(method, path, data=json.dumps(body) if body is not None else "",
                                      content_type="application/json", **headers)
        else:
            response = getattr(client, method.lower())(path, {})
        transaction.set_rollback(True)
    client.cookies = saved
    return response


@pytest.fixture
def matrix(world, migrant, husband, woman_2014):
    from liudong.accounts.tokens import issue_token

    ids = build(world, migrant, husband, woman_2014)
    pages, tokens = {None: Client()}, {None: None}
    for role in ROLES:
        pages[role] = Client()
        pages[role].force_login(world[role])
        tokens[role] = issue_token(world[role])
    return ids, pages, tokens


from tests.cases.conftest import husband, woman_2014  # noqa: E402,F401 - fixtures of the matrix world


def _openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", route)


@pytest.mark.parametrize("part", ["pages", "api"])
def test_every_url_answers_each_role_as_the_table_says(matrix, part):
    ids, pages, tokens = matrix
    wrong = []
    for name, method, route, actions in requests_to_make():
        api = name.startswith("api:")
        if api != (part == "api"):
            continue
        path = fill(route, ids)
        body = BODIES.get(name) or example_body(method, _openapi_path(route)) if api else None
        for role in [None] if actions == PUBLIC else [None, *ROLES]:
            client = Client() if api else pages[role]
            response = _send(client, method, path, api=api, token=tokens[role] if api else None, body=body)
            got, want = _outcome(response, api, actions), _expected(role, actions, api)
            if got != want:
                wrong.append(f"{method} {path} ({name}) as {role or 'anonymous'}: expected {want}, got {response.status_code} {got}")
    assert not wrong, f"{len(wrong)} cells differ from the table:\n" + "\n".join(wrong)


def test_the_admin_site_is_closed_to_every_role_of_the_world(matrix):
    _, pages, _ = matrix
    for role, client in pages.items():
        response = client.get("/django-admin/")
        assert response.status_code == 302 and response["Location"].startswith("/django-admin/login/"), (role, response.status_code)
