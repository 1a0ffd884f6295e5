from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.OrderListView.as_view(), name="order-list"),
    path("triage/", views.TriageListView.as_view(), name="triage"),
    path("new/", views.quick_entry, name="new"),
    path("new/caller/", views.caller_lookup, name="caller"),
    path("import/", views.order_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("orders/<int:pk>/<str:action>/", views.order_action, name="order-action"),
    path("from-support/<int:pk>/", views.from_support_request, name="from-support"),
    path("from-report/<int:pk>/", views.from_health_report, name="from-report"),
    path("r/<str:token>/", views.rate_public, name="rate-public"),
]
