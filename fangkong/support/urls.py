from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("closures/", views.ClosureListView.as_view(), name="closure-list"),
    path("closures/declare/", views.closure_declare, name="closure-declare"),
    path("closures/<int:pk>/", views.ClosureDetailView.as_view(), name="closure-detail"),
    path("closures/<int:pk>/end/", views.closure_end, name="closure-end"),
    path("closures/<int:pk>/members/", views.member_add, name="member-add"),
    path("closures/<int:pk>/households/", views.household_links, name="household-links"),
    path("closures/<int:pk>/households/<int:household_pk>/qr.svg", views.household_qr, name="household-qr"),
    path("closures/<int:pk>/board/", views.board, name="board"),
    path("closures/<int:pk>/batch/", views.batch_assign, name="batch-assign"),
    path("closures/<int:pk>/knocks/", views.knocks, name="knocks"),
    path("closures/<int:pk>/supplies/", views.supplies, name="supplies"),
    path("closures/<int:pk>/picking/<int:building_pk>.pdf", views.picking_list, name="picking-list"),
    path("closures/<int:pk>/figures/", views.figures, name="figures"),
    path("closures/<int:pk>/figures.json", views.figures_data, name="figures-data"),
    path("requests/", views.RequestListView.as_view(), name="request-list"),
    path("requests/phone/", views.quick_entry, name="quick-entry"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("requests/<int:pk>/assign/", views.request_assign, name="request-assign"),
    path("requests/<int:pk>/step/", views.request_step, name="request-step"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("knocks/<int:pk>/", views.knock_record, name="knock-record"),
    path("runner/", views.runner, name="runner"),
    path("runner/<int:pk>/", views.runner_act, name="runner-act"),
    path("runner/sync/", views.runner_sync, name="runner-sync"),
    path("h/<str:token>/", views.household, name="household"),
]
