from django.urls import path

from . import views, views_insight, views_open311, views_rates

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
    # the three rates
    path("rates/", views_rates.rates_page, name="rates"),
    path("rates/data/", views_rates.rates_data, name="rates-data"),
    path("rates/orders/", views_rates.rates_orders, name="rates-orders"),
    # 未诉先办
    path("proactive/", views_insight.ProactiveTaskListView.as_view(), name="proactive-list"),
    path("proactive/<int:pk>/", views_insight.ProactiveTaskDetailView.as_view(), name="proactive-detail"),
    path("proactive/<int:pk>/update/", views_insight.proactive_update, name="proactive-update"),
    # Open311 integrations and the GeoReport v2 endpoints
    path("integrations/", views_insight.IntegrationListView.as_view(), name="integration-list"),
    path("integrations/add/", views_insight.integration_add, name="integration-add"),
    path("integrations/<int:pk>/revoke/", views_insight.integration_revoke, name="integration-revoke"),
    path("open311/v2/services.json", views_open311.services_list, name="open311-services"),
    path("open311/v2/services/<str:code>.json", views_open311.service_definition, name="open311-service"),
    path("open311/v2/requests.json", views_open311.requests_view, name="open311-requests"),
    path("open311/v2/requests/<int:pk>.json", views_open311.request_detail, name="open311-request"),
    path("open311/v2/<path:rest>", views_open311.not_found, name="open311-other"),
]
