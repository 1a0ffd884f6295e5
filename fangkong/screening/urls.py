from django.urls import path

from . import views

app_name = "screening"

urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/", views.CampaignListView.as_view(), name="campaign-list"),
    path("campaigns/add/", views.campaign_add, name="campaign-add"),
    path("campaigns/<int:pk>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("campaigns/<int:pk>/do/<str:action>/", views.campaign_action, name="campaign-action"),
    path("campaigns/<int:pk>/sites/add/", views.site_add, name="site-add"),
    path("campaigns/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("campaigns/<int:pk>/notices/<int:building>.pdf", views.notice_pdf, name="notice-pdf"),
    path("campaigns/<int:pk>/results/", views.lab_import, name="lab-import"),
    path("campaigns/<int:pk>/coverage/", views.coverage, name="coverage"),
    path("campaigns/<int:pk>/untested/", views.UntestedListView.as_view(), name="untested"),
    path("targets/<int:pk>/reason/", views.reason_record, name="reason"),
    path("sites/<int:pk>/", views.SiteDetailView.as_view(), name="site-detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site-edit"),
    path("sites/<int:pk>/staff/", views.site_staff_add, name="site-staff-add"),
    path("sites/<int:pk>/lane/", views.lane, name="lane"),
    path("sites/<int:pk>/lane/lookup/", views.lane_lookup, name="lane-lookup"),
    path("tubes/<int:pk>/close/", views.tube_close, name="tube-close"),
    path("boxes/", views.BoxListView.as_view(), name="box-list"),
    path("boxes/add/", views.box_add, name="box-add"),
    path("boxes/<int:pk>/", views.BoxDetailView.as_view(), name="box-detail"),
    path("boxes/<int:pk>/step/", views.box_step, name="box-step"),
    path("results/<int:pk>/", views.lab_import_detail, name="lab-import-detail"),
    path("results/<int:pk>/errors.xlsx", views.lab_import_errors, name="lab-import-errors"),
    path("retests/", views.RetestListView.as_view(), name="retest-list"),
    path("retests/<int:pk>/done/", views.retest_done, name="retest-done"),
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path("transfers/<int:pk>/done/", views.transfer_done, name="transfer-done"),
    path("b/<str:token>/", views.building_page, name="building-page"),
    path("r/<str:token>/", views.resident_page, name="resident-page"),
]
