from django.urls import path  # noqa: F401

app_name = "workplaces"

urlpatterns: list = []

from .urls_reports import urlpatterns as _reports  # noqa: E402  wp2: zero reports, inspections, ledger

urlpatterns += _reports
