from django.urls import path

from . import views

app_name = "workforce"

urlpatterns: list = [
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
