"""wp2's routes of the workplaces app (included by urls.py)."""

from django.urls import path

from . import views_reports as v

urlpatterns = [
    path("z/<str:token>/", v.public_report, name="report-public"),
    path("reports/", v.ZeroReportListView.as_view(), name="zeroreport-list"),
    path("reports/mine/", v.my_report, name="my-report"),
    path("reports/<int:pk>/", v.ZeroReportDetailView.as_view(), name="zeroreport-detail"),
    path("reports/file/<int:pk>/", v.report_file, name="report-file"),
    path("reports/due/", v.ReportDueListView.as_view(), name="report-due-list"),
    path("reports/missing/", v.MissingReportListView.as_view(), name="missing-list"),
    path("links/", v.ReportLinkListView.as_view(), name="reportlink-list"),
    path("links/add/", v.report_link_add, name="reportlink-add"),
    path("links/<int:pk>/", v.ReportLinkDetailView.as_view(), name="reportlink-detail"),
    path("links/<int:pk>/qr.svg", v.report_link_qr, name="reportlink-qr"),
    path("links/<int:pk>/revoke/", v.report_link_revoke, name="reportlink-revoke"),
    path("inspections/", v.InspectionListView.as_view(), name="inspection-list"),
    path("inspections/new/<int:pk>/", v.inspection_add, name="inspection-add"),
    path("inspections/<int:pk>/", v.InspectionDetailView.as_view(), name="inspection-detail"),
    path("inspections/photos/<int:pk>/", v.inspection_photo, name="inspection-photo"),
    path("ledger/", v.LedgerListView.as_view(), name="ledger-list"),
    path("ledger/<int:pk>/", v.LedgerDetailView.as_view(), name="ledger-detail"),
    path("ledger/<int:pk>/extend/", v.ledger_extend, name="ledger-extend"),
    path("checklists/", v.checklist_list, name="checklist-list"),
    path("checklists/add/", v.checklist_add, name="checklist-add"),
    path("figures/", v.figures_page, name="figures"),
    path("figures/data/", v.figures_data, name="figures-data"),
]
