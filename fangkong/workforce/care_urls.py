"""URLs of care and health; workforce/urls.py adds them to its urlpatterns (one namespace)."""

from django.urls import path

from . import care_views as views

urlpatterns = [
    path("care/", views.CareOverviewView.as_view(), name="care-overview"),
    path("care/insurance/", views.InsuranceListView.as_view(), name="insurance-list"),
    path("care/insurance/add/", views.insurance_add, name="insurance-add"),
    path("care/issued/", views.CareIssueListView.as_view(), name="care-issue-list"),
    path("care/issued/add/", views.care_issue_add, name="care-issue-add"),
    path("care/rest/", views.RestDayListView.as_view(), name="rest-list"),
    path("care/rest/add/", views.rest_day_add, name="rest-add"),
    path("care/health/", views.HealthReportListView.as_view(), name="health-list"),
    path("care/health/add/", views.health_add, name="health-add"),
    path("me/", views.my_duty, name="my-duty"),
    path("me/health/", views.my_health, name="my-health"),
    path("figures/", views.figures_page, name="figures"),
]
