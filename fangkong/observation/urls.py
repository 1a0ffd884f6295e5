from django.urls import path

from . import views

app_name = "observation"

urlpatterns = [
    path("", views.today, name="today"),
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/add/", views.order_create, name="order-add"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<int:pk>/qr.svg", views.order_qr, name="order-qr"),
    path("orders/<int:pk>/<str:action>/", views.order_action, name="order-action"),
    path("r/<str:token>/", views.public_report, name="public-report"),
    path("alerts/", views.AlertListView.as_view(), name="alert-list"),
    path("alerts/<int:pk>/resolve/", views.alert_resolve, name="alert-resolve"),
    path("reports/", views.ReportListView.as_view(), name="report-list"),
    path("reports/<int:pk>/needs-done/", views.report_needs_done, name="report-needs-done"),
    path("policy/", views.policy_change, name="policy-change"),
    path("care/", views.care_daily, name="care-daily"),
    path("rooms/", views.RoomListView.as_view(), name="room-list"),
    path("rooms/add/", views.room_add, name="room-add"),
    path("team/", views.SiteMemberListView.as_view(), name="site-team"),
    path("team/add/", views.site_member_add, name="site-team-add"),
    path("stays/", views.StayListView.as_view(), name="stay-list"),
    path("stays/<int:pk>/", views.StayDetailView.as_view(), name="stay-detail"),
    path("stays/<int:pk>/certificate.pdf", views.stay_certificate, name="stay-certificate"),
    path("stays/<int:pk>/discharge/", views.stay_discharge, name="stay-discharge"),
    path("occupancy/", views.occupancy, name="occupancy"),
    path("sick-leave/", views.SickLeaveListView.as_view(), name="sickleave-list"),
    path("sick-leave/add/", views.sick_leave_create, name="sickleave-add"),
]
