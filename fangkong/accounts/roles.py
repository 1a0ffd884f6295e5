"""The role matrix: which permissions each role grants. Scopes then limit the data.

Patterns are `app_label.codename` with `*` wildcards, resolved against the permissions that
exist at `migrate` time, so a new app's models join a role by naming them here.
"""

from django.utils.translation import gettext_lazy as _

VIEW_AREAS = ["areas.view_area", "areas.view_place"]

# Never "hotline.*": it would pick up the marker permission hotline.only_own_unit (hotline/models.py).
HOTLINE_STREET = [
    "hotline.view_*",
    "hotline.add_*",
    "hotline.change_*",
    "hotline.dispatch_workorder",
    "hotline.close_workorder",
    "hotline.rate_workorder",
]
HOTLINE_HANDLER = [
    "hotline.view_workorder",
    "hotline.view_dispatch",
    "hotline.view_handlingentry",
    "hotline.view_unit",
    "hotline.add_handlingentry",
    "hotline.change_workorder",
    "hotline.change_dispatch",
    "hotline.close_workorder",
]

ROLES: dict[str, dict] = {
    "district_admin": {
        "name": _("district administrator"),
        "perms": [
            "areas.*",
            "policies.*",
            "core.*",
            "accounts.*",
            "people.*",
            "gates.*",
            "observation.*",
            "briefing.*",
            "tracing.*",
            "screening.*",
            "support.*",
            "workforce.*",
            *HOTLINE_STREET,
            # by action, never "workplaces.*" (that would include workplaces.contact_only)
            "workplaces.view_*",
            "workplaces.add_*",
            "workplaces.change_*",
            "workplaces.approve_plan",
        ],
    },
    "street_coordinator": {
        "name": _("street coordinator"),
        "perms": [
            *VIEW_AREAS,
            "areas.add_place",
            "areas.change_place",
            "policies.view_*",
            "core.view_changelog",
            "people.*",
            "gates.*",
            "observation.*",
            "briefing.view_*",
            "briefing.add_*",
            "briefing.change_item",
            "tracing.view_contact",
            "tracing.view_screeningtask",
            "tracing.change_screeningtask",
            "screening.*",
            "support.*",
            "workforce.*",
            *HOTLINE_STREET,
            "workplaces.view_*",
            "workplaces.add_*",
            "workplaces.change_*",
            "workplaces.approve_plan",
        ],
    },
    "community_worker": {
        "name": _("community worker"),
        "perms": [
            *VIEW_AREAS,
            "areas.add_place",
            "areas.change_place",
            "policies.view_*",
            "people.view_*",
            "people.add_*",
            "people.change_*",
            "people.reveal_identity",
            "gates.*",
            "observation.*",
            "briefing.view_*",
            "briefing.change_item",
            "tracing.view_contact",
            "tracing.view_screeningtask",
            "tracing.change_screeningtask",
            "screening.view_*",
            "screening.add_sample",
            "screening.change_tube",
            "screening.add_box",
            "screening.change_box",
            "screening.add_exemption",
            "screening.change_exemption",
            "screening.change_homevisit",
            "screening.change_retestitem",
            "screening.change_transfertask",
            "support.*",
            # The community's team: its workers, self-registration links and reviews, its needs.
            "workforce.view_*",
            "workforce.add_worker",
            "workforce.change_worker",
            "workforce.reveal_identity",
            "workforce.add_registrationlink",
            "workforce.change_registrationlink",
            "workforce.add_deploymentrequest",
            "workforce.change_deploymentrequest",
            # Care and health of the team (wf3): insurance, meals and equipment, rest days, health reports.
            "workforce.add_insurance",
            "workforce.add_careissue",
            "workforce.add_restday",
            "workforce.add_workerhealthreport",
            # Rosters and attendance (issue 20): the posts' check-in codes.
            "workforce.add_postcode",
            "workforce.change_postcode",
            *HOTLINE_HANDLER,
            "hotline.add_workorder",  # a service request or an observation report becomes an order
            # 未诉先办: the community takes on the recurring complaints found in its orders
            "hotline.view_proactivetask",
            "hotline.change_proactivetask",
            "workplaces.view_*",
            "workplaces.add_staffmember",
            "workplaces.change_staffmember",
            "workplaces.add_dormitory",
            "workplaces.change_dormitory",
            "workplaces.add_room",
            "workplaces.change_room",
            "workplaces.add_inspection",  # wp2: community inspections and their ledger
            "workplaces.change_ledgeritem",
        ],
    },
    "grid_member": {
        "name": _("grid member"),
        "perms": [
            *VIEW_AREAS,
            "policies.view_*",
            "people.view_*",
            "people.add_visit",
            "people.add_statuschange",
            "observation.view_*",
            "observation.add_healthreport",
            "gates.view_*",
            # Entrance heads file requests on a household's behalf and knock on doors.
            "support.view_*",
            "support.add_request",
            "support.change_doorknock",
        ],
    },
    "gate_volunteer": {
        "name": _("gate volunteer"),
        "perms": [
            *VIEW_AREAS,
            "policies.view_*",
            "gates.view_placecode",
            "gates.add_scanevent",
            "gates.view_post",
        ],
    },
    "medical_staff": {
        "name": _("medical staff"),
        "perms": [
            *VIEW_AREAS,
            "policies.view_*",
            "people.view_person",
            "people.view_statistics",
            "people.reveal_identity",
            "observation.*",
            "screening.view_*",
            "screening.add_sample",
            "screening.change_tube",
            "screening.add_box",
            "screening.change_box",
            "screening.add_exemption",
            "screening.change_exemption",
            "screening.change_homevisit",
            "screening.change_retestitem",
            "screening.change_transfertask",
            "screening.add_labimport",
            # The medical lead assigns medicine and urgent medical requests.
            "support.view_*",
            "support.change_request",
        ],
    },
    "cadre": {
        "name": _("down-sunk cadre"),
        "perms": [*VIEW_AREAS, "policies.view_*", "people.view_*", "gates.view_*", "gates.add_scanevent"],
    },
    "hotline_operator": {
        "name": _("hotline operator"),
        # The closure's phone line (问医送药热线): quick entry of a ringing phone's request.
        "perms": [
            *VIEW_AREAS,
            "policies.view_*",
            "support.view_closure",
            "support.view_request",
            "support.add_request",
            # 12345: the district's hotline desk takes calls, imports the city's dispatch, calls back.
            "hotline.view_workorder",
            "hotline.view_handlingentry",
            "hotline.view_dispatch",
            "hotline.view_unit",
            "hotline.add_workorder",
            "hotline.rate_workorder",
        ],
    },
    "hotline_department": {
        "name": _("hotline department handler"),
        # A department (人力社保局…) handles the orders dispatched to its unit, nothing else.
        "perms": [*VIEW_AREAS, "policies.view_*", *HOTLINE_HANDLER, "hotline.only_own_unit"],
    },
    "investigator": {
        "name": _("investigator"),
        "perms": [
            *VIEW_AREAS,
            "policies.view_*",
            "people.view_*",
            "people.reveal_identity",
            "gates.view_*",
            "observation.view_*",
            # Orders for the contacts they confirm (observation's services create them).
            "observation.add_observationorder",
            "tracing.*",
        ],
    },
    "workplace_contact": {
        "name": _("workplace contact"),
        "perms": [
            "areas.view_place",
            "policies.view_*",
            # Only the workplaces whose safety contact the user is (workplaces.models.CONTACT_ONLY).
            "workplaces.contact_only",
            "workplaces.view_*",
            "workplaces.add_plan",
            "workplaces.change_plan",
            "workplaces.add_staffmember",
            "workplaces.change_staffmember",
            "workplaces.add_dormitory",
            "workplaces.change_dormitory",
            "workplaces.add_room",
            "workplaces.change_room",
            "workplaces.add_zeroreport",  # wp2: their workplace's daily zero report
        ],
    },
    "leadership_viewer": {
        "name": _("leadership viewer"),
        # Figures (counts, charts) without personal data: no resident, order or report is visible.
        # (no change log either: its before/after snapshots name residents)
        "perms": [
            *VIEW_AREAS,
            "policies.view_*",
            "people.view_statistics",
            "briefing.view_*",
            "briefing.add_item",
            "briefing.change_item",
        ],
    },
}
