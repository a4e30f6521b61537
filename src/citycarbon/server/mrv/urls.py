from __future__ import annotations

from django.urls import path, re_path

from citycarbon.server.mrv import views

app_name = "mrv"

#: A unified social credit code in a URL (what the selectors then look up).
CODE = r"(?P<code>[0-9A-Za-z]{1,40})"

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("enterprises/template.xlsx", views.enterprise_template, name="enterprise_template"),
    path("enterprises/import/", views.enterprise_import, name="enterprise_import"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("screening/", views.screening_list, name="screening_list"),
    path("screening/template.xlsx", views.screening_template, name="screening_template"),
    path("screening/thresholds/", views.coverage_rule_set, name="coverage_rule_set"),
    path("screening/<int:pk>/", views.screening_detail, name="screening_detail"),
    re_path(
        r"^screening/proposals/(?P<pk>[0-9]+)/(?P<decision>accept|reject)/$",
        views.proposal_decide,
        name="proposal_decide",
    ),
    path("verifiers/", views.verifier_list, name="verifier_list"),
    path("verifiers/new/", views.verifier_create, name="verifier_create"),
    re_path(rf"^verifiers/{CODE}/$", views.verifier_detail, name="verifier_detail"),
    re_path(rf"^verifiers/{CODE}/edit/$", views.verifier_edit, name="verifier_edit"),
    re_path(
        rf"^verifiers/{CODE}/(?P<part>accreditations|staff|performance|sanctions)/$",
        views.verifier_add,
        name="verifier_add",
    ),
    re_path(rf"^verifiers/{CODE}/staff/(?P<pk>[0-9]+)/end/$", views.staff_end, name="staff_end"),
    path("calendar/", views.calendar_list, name="calendar_list"),
    path("calendar/<int:year>/", views.calendar_detail, name="calendar_detail"),
    re_path(rf"^enterprises/{CODE}/$", views.enterprise_detail, name="enterprise_detail"),
    re_path(rf"^enterprises/{CODE}/edit/$", views.enterprise_edit, name="enterprise_edit"),
    re_path(rf"^enterprises/{CODE}/status/$", views.enterprise_status, name="enterprise_status"),
    re_path(rf"^enterprises/{CODE}/facilities/$", views.facility_set, name="facility_set"),
    re_path(
        rf"^enterprises/{CODE}/facilities/(?P<facility>[^/]{{1,32}})/remove/$",
        views.facility_remove,
        name="facility_remove",
    ),
    re_path(rf"^enterprises/{CODE}/contacts/$", views.contact_add, name="contact_add"),
    re_path(
        rf"^enterprises/{CODE}/contacts/(?P<pk>[0-9]+)/remove/$",
        views.contact_remove,
        name="contact_remove",
    ),
    re_path(rf"^enterprises/{CODE}/roles/$", views.role_assign, name="role_assign"),
    re_path(
        rf"^enterprises/{CODE}/roles/(?P<pk>[0-9]+)/revoke/$", views.role_revoke, name="role_revoke"
    ),
]

urlpatterns += [
    re_path(rf"^enterprises/{CODE}/plans/$", views.plan_list, name="plan_list"),
    re_path(
        rf"^enterprises/{CODE}/plans/(?P<year>[0-9]{{4}})/$", views.plan_detail, name="plan_detail"
    ),
    re_path(
        rf"^enterprises/{CODE}/plans/(?P<year>[0-9]{{4}})/workbook\.xlsx$",
        views.plan_workbook,
        name="plan_workbook",
    ),
    re_path(
        rf"^enterprises/{CODE}/plans/(?P<year>[0-9]{{4}})/edit/$",
        views.plan_edit,
        name="plan_edit",
    ),
    re_path(
        rf"^enterprises/{CODE}/plans/(?P<year>[0-9]{{4}})/(?P<step>submit|approve|return|revise)/$",
        views.plan_step,
        name="plan_step",
    ),
]

MONTH = r"(?P<year>[0-9]{4})/(?P<month>[0-9]{1,2})"

urlpatterns += [
    re_path(
        rf"^enterprises/{CODE}/ledgers/(?P<year>[0-9]{{4}})/$",
        views.ledger_year,
        name="ledger_year",
    ),
    re_path(rf"^enterprises/{CODE}/ledgers/{MONTH}/$", views.ledger_month, name="ledger_month"),
    re_path(
        rf"^enterprises/{CODE}/ledgers/{MONTH}/import/$",
        views.ledger_import,
        name="ledger_import",
    ),
    re_path(
        rf"^enterprises/{CODE}/ledgers/{MONTH}/findings/(?P<pk>[0-9]+)/acknowledge/$",
        views.finding_acknowledge,
        name="finding_acknowledge",
    ),
    re_path(rf"^enterprises/{CODE}/evidence/$", views.evidence_list, name="evidence_list"),
    re_path(
        rf"^enterprises/{CODE}/evidence/(?P<pk>[0-9]+)/$",
        views.evidence_download,
        name="evidence_download",
    ),
]

urlpatterns += [
    re_path(
        rf"^enterprises/{CODE}/reports/(?P<year>[0-9]{{4}})/$",
        views.report_detail,
        name="report_detail",
    ),
    re_path(
        rf"^enterprises/{CODE}/reports/(?P<year>[0-9]{{4}})/"
        r"(?P<step>build|sign-off|withdraw|submit|correct)/$",
        views.report_step,
        name="report_step",
    ),
    re_path(
        rf"^enterprises/{CODE}/reports/(?P<year>[0-9]{{4}})/document\.(?P<kind>json|yaml|xlsx)$",
        views.report_document,
        name="report_document",
    ),
]

VERIFICATION = r"verifications/(?P<code>[0-9A-Za-z]{1,40})/(?P<year>[0-9]{4})"

urlpatterns += [
    path("verifications/", views.verification_list, name="verification_list"),
    re_path(rf"^{VERIFICATION}/$", views.verification_detail, name="verification_detail"),
    re_path(
        rf"^{VERIFICATION}/(?P<action>assign|approve|advisory|publish)/$",
        views.verification_office,
        name="verification_office",
    ),
    re_path(
        rf"^{VERIFICATION}/(?P<kind>primary|spot_check)/"
        r"(?P<action>plan|document_review|site_visit|finding|report)/$",
        views.verification_act,
        name="verification_act",
    ),
    re_path(
        rf"^{VERIFICATION}/(?P<kind>primary|spot_check)/findings/(?P<pk>[0-9]+)/"
        r"(?P<action>correct|close)/$",
        views.non_conformity_act,
        name="non_conformity_act",
    ),
]

urlpatterns += [
    path("disclosure/", views.disclosure_list, name="disclosure_list"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
]
