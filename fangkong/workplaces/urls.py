from django.urls import path

from . import views

app_name = "workplaces"

urlpatterns = [
    path("", views.WorkplaceListView.as_view(), name="workplace-list"),
    path("mine/", views.my_workplace, name="mine"),
    path("add/", views.workplace_add, name="workplace-add"),
    path("<int:pk>/", views.WorkplaceDetailView.as_view(), name="workplace-detail"),
    path("<int:pk>/edit/", views.workplace_edit, name="workplace-edit"),
    path("<int:pk>/plans/generate/", views.plan_generate, name="plan-generate"),
    path("<int:pk>/plans/upload/", views.plan_upload, name="plan-upload"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/<int:pk>/file/", views.plan_file, name="plan-file"),
    path("plans/<int:pk>/<str:action>/", views.plan_action, name="plan-action"),
    path("staff/", views.StaffListView.as_view(), name="staff-list"),
    path("staff/add/", views.staff_add, name="staff-add"),
    path("staff/import/", views.staff_import, name="staff-import"),
    path("staff/import/template.xlsx", views.staff_import_template, name="staff-import-template"),
    path("staff/import/errors.xlsx", views.staff_import_errors, name="staff-import-errors"),
    path("rooms/", views.RoomListView.as_view(), name="room-list"),
    path("rooms/add/", views.room_add, name="room-add"),
    path("rooms/<int:pk>/", views.room_edit, name="room-edit"),
    path("dormitories/add/", views.dormitory_add, name="dormitory-add"),
    path("violations/", views.ViolationListView.as_view(), name="violation-list"),
    path("violations/recheck/", views.rules_recheck, name="rules-recheck"),
]

from .urls_reports import urlpatterns as _reports  # noqa: E402  wp2: zero reports, inspections, ledger

urlpatterns += _reports
