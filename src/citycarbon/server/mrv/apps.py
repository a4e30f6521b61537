from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MrvConfig(AppConfig):
    name = "citycarbon.server.mrv"
    label = "mrv"
    verbose_name = _("Enterprise MRV")

    def ready(self) -> None:
        from citycarbon.server.common.choices import Role, register_actions
        from citycarbon.server.common.context_processors import NAVIGATION
        from citycarbon.server.common.roles import (
            RoleSpec,
            ScopeKindSpec,
            register_role,
            register_scope_kind,
            restrict_role,
        )
        from citycarbon.server.mrv.choices import MrvAction, MrvRole, MrvScopeKind
        from citycarbon.server.mrv.selectors import (
            describe_enterprise,
            describe_organisation,
            enterprise_ids,
            organisation_ids,
        )
        from citycarbon.server.mrv.selectors.access import VERIFIER_REACHES, assigned_years
        from citycarbon.server.stats.apps import add_navigation

        register_actions(MrvAction)
        register_scope_kind(
            ScopeKindSpec(
                kind=MrvScopeKind.ENTERPRISE.value,
                expand=enterprise_ids,
                describe=describe_enterprise,
                domains=("mrv",),  # the expansion is cached until the register changes
            )
        )
        register_scope_kind(
            ScopeKindSpec(
                kind=MrvScopeKind.VERIFIER_ORGANISATION.value,
                expand=organisation_ids,
                describe=describe_organisation,
                domains=("mrv",),
                # … and, through its assignments, the enterprise-years it verifies (read only).
                reach=assigned_years,
                reaches=VERIFIER_REACHES,
            )
        )
        # Enterprise accounts see their own enterprise's records, enter its monitoring plans
        # (draft, submit, open a new version of an approved one; the office approves) and its
        # monthly ledgers (acknowledging warnings, uploading evidence).
        enterprise_writes = (
            "mrv.add_monitoringplan",
            "mrv.change_monitoringplan",
            "mrv.submit_monitoringplan",
            "mrv.correct_monitoringplan",
            "mrv.add_ledgermonth",
            "mrv.change_ledgermonth",
            "mrv.change_ledgerfinding",
            "mrv.add_evidencefile",
            "mrv.add_annualreport",
            "mrv.change_annualreport",
            "mrv.submit_annualreport",
            "mrv.correct_annualreport",
            "mrv.correct_nonconformity",
        )
        register_role(
            RoleSpec(
                role=MrvRole.ENTERPRISE_REPORTER.value,
                label=MrvRole.ENTERPRISE_REPORTER.label,
                scope_kinds=frozenset({MrvScopeKind.ENTERPRISE.value}),
                grants=("mrv.view_*", *enterprise_writes),
                description=_("Enters the enterprise's monitoring data."),
            )
        )
        register_role(
            RoleSpec(
                role=MrvRole.ENTERPRISE_RESPONSIBLE.value,
                label=MrvRole.ENTERPRISE_RESPONSIBLE.label,
                scope_kinds=frozenset({MrvScopeKind.ENTERPRISE.value}),
                grants=("mrv.view_*", *enterprise_writes, "mrv.signoff_annualreport"),
                description=_("Signs off the enterprise's reports."),
            )
        )
        register_role(
            RoleSpec(
                role=MrvRole.VERIFIER.value,
                label=MrvRole.VERIFIER.label,
                scope_kinds=frozenset({MrvScopeKind.VERIFIER_ORGANISATION.value}),
                grants=("mrv.view_*", "mrv.verify_verificationassignment"),
                description=_("Verifies the reports assigned to the organisation."),
            )
        )
        # The register is the office's: district officials read their jurisdiction's part of
        # it, and nothing of it is public (disclosure publishes approved figures later).
        restrict_role(Role.DISTRICT_OFFICIAL.value, ("mrv.add_*", "mrv.change_*", "mrv.submit_*"))
        # The public sees published disclosures and nothing else of the app.
        from django.apps import apps as registry

        hidden = sorted(
            f"mrv.view_{m._meta.model_name}"
            for m in registry.get_app_config("mrv").get_models()
            if m._meta.model_name != "disclosure"
        )
        restrict_role(Role.PUBLIC.value, ("mrv.[!v]*", *hidden))
        # Only the enterprise's responsible person signs its reports off.
        # and only the assigned verifier takes the verification's steps.
        restrict_role(Role.CITY_OFFICE.value, ("mrv.signoff_*", "mrv.verify_*"))
        add_navigation(NAVIGATION, ("mrv:enterprise_list", _("Enterprises"), "mrv.view_enterprise"))
        # The published emissions: everyone who may read them, the public included.
        add_navigation(NAVIGATION, ("mrv:disclosure_list", _("Disclosure"), "mrv.view_disclosure"))
