"""wp2's registrations (workbench, briefing, menu), called from WorkplacesConfig.ready()."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from fangkong.core import menu
    from fangkong.core.figures import register_section

    from . import figures, workbench_reports

    workbench_reports.register()  # its to-do lines and the contact's landing (core/workbench.py)
    register_section(figures.section())  # its section of the leadership briefing
    menu.register(
        "residents", _("Zero reports"), "workplaces:zeroreport-list", "workplaces.view_zeroreport", order=17
    )
    menu.register(
        "residents", _("My zero report"), "workplaces:my-report", roles=("workplace_contact",), order=16
    )
    menu.register(
        "residents",
        _("Workplace inspections"),
        "workplaces:inspection-list",
        "workplaces.view_inspection",
        order=18,
    )
    menu.register(
        "residents",
        _("Rectification ledger"),
        "workplaces:ledger-list",
        "workplaces.view_ledgeritem",
        order=19,
    )
    menu.register(
        "residents",
        _("Workplace figures"),
        "workplaces:figures",
        ("workplaces.view_workplace", "people.view_statistics"),
        order=20,
    )
