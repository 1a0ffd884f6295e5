from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person-list"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person-reveal"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("<int:pk>/status/", views.PersonStatusView.as_view(), name="person-status"),
    path("<int:pk>/move/", views.PersonMoveView.as_view(), name="person-move"),
    path("<int:pk>/ledger/add/", views.EntryCreateView.as_view(), name="entry-add"),
    path("households/<int:pk>/", views.HouseholdView.as_view(), name="household"),
    path("households/<int:pk>/add/", views.PersonCreateView.as_view(), name="person-add"),
    path("areas/<int:pk>/residents/", views.EntranceView.as_view(), name="entrance"),
    path("counts/", views.status_counts, name="status-counts"),
    path("ledger/", views.LedgerListView.as_view(), name="ledger"),
    path("ledger/print/", views.ledger_print, name="ledger-print"),
    path("ledger/<int:pk>/", views.EntryDetailView.as_view(), name="entry-detail"),
    path("ledger/<int:pk>/edit/", views.EntryEditView.as_view(), name="entry-edit"),
    path("ledger/<int:pk>/visit/", views.VisitAddView.as_view(), name="visit-add"),
    path("import/", views.import_page, name="import"),
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("import/<int:pk>/confirm/", views.ImportCommitView.as_view(), name="import-commit"),
    path("import/<int:pk>/errors.xlsx", views.ImportErrorsView.as_view(), name="import-errors"),
    path("import/<int:pk>/cancel/", views.ImportCancelView.as_view(), name="import-cancel"),
]
