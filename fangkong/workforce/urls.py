from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.WorkerListView.as_view(), name="worker-list"),
    path("add/", views.worker_create, name="worker-add"),
    path("<int:pk>/", views.WorkerDetailView.as_view(), name="worker-detail"),
    path("<int:pk>/edit/", views.worker_edit, name="worker-edit"),
    path("<int:pk>/reveal/", views.WorkerRevealView.as_view(), name="worker-reveal"),
    path("<int:pk>/assign/", views.worker_assign, name="worker-assign"),
    path("<int:pk>/release/", views.worker_release, name="worker-release"),
    path("import/", views.worker_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("import/report/<str:key>.xlsx", views.import_report, name="import-report"),
    path("links/", views.LinkListView.as_view(), name="link-list"),
    path("links/add/", views.link_create, name="link-add"),
    path("links/<int:pk>/", views.LinkDetailView.as_view(), name="link-detail"),
    path("links/<int:pk>/revoke/", views.link_revoke, name="link-revoke"),
    path("join/<str:token>/", views.register, name="register"),
    path("registrations/", views.RegistrationListView.as_view(), name="registration-list"),
    path("registrations/<int:pk>/review/", views.registration_review, name="registration-review"),
    path("deployment/", views.deployment, name="deployment"),
    path("requests/", views.RequestListView.as_view(), name="request-list"),
    path("requests/open/", views.RequestOpenView.as_view(), name="request-open"),
    path("requests/add/", views.request_create, name="request-add"),
    path("requests/<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    # Rosters and attendance (wf2).
    path("rosters/", views.roster, name="roster"),
    path("rosters/add/", views.roster_add, name="roster-add"),
    path("rosters/shifts/<int:pk>/", views.roster_shift, name="roster-shift"),
    path("posts/", views.PostCoverListView.as_view(), name="post-cover"),
    path("posts/<int:post_pk>/code/", views.post_code, name="post-code"),
    path("posts/<int:post_pk>/code/change/", views.post_code_change, name="post-code-change"),
    path("c/<str:token>/", views.checkin, name="checkin"),
    path("attendance/", views.AttendanceListView.as_view(), name="attendance-list"),
    path("attendance/missed/", views.MissedCheckInListView.as_view(), name="missed-list"),
]

# Care and health (issue 20, wf3).
from .care_urls import urlpatterns as _care  # noqa: E402

urlpatterns += _care
