from django.urls import path

from . import views

app_name = "tracing"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case-list"),
    path("cases/add/", views.case_add, name="case-add"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/letters.pdf", views.case_letters, name="case-letters"),
    path("cases/<int:pk>/<str:action>/", views.case_action, name="case-action"),
    path("contacts/", views.ContactListView.as_view(), name="contact-list"),
    path("contacts/<int:pk>/", views.ContactDetailView.as_view(), name="contact-detail"),
    path("tasks/", views.TaskListView.as_view(), name="task-list"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("risk-areas/", views.RiskAreaListView.as_view(), name="riskarea-list"),
    path("risk-areas/add/", views.riskarea_add, name="riskarea-add"),
    path("risk-areas/<int:pk>/run/", views.riskarea_run, name="riskarea-run"),
    path("clusters/", views.ClusterListView.as_view(), name="cluster-list"),
    path("clusters/add/", views.cluster_add, name="cluster-add"),
    path("clusters/<int:pk>/", views.ClusterDetailView.as_view(), name="cluster-detail"),
    path("graph/", views.graph, name="graph"),
    path("graph/data.json", views.graph_data, name="graph-data"),
]
