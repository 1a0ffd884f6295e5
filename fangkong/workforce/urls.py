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
]

# Care and health (issue 20, wf3).
from .care_urls import urlpatterns as _care  # noqa: E402

urlpatterns += _care
