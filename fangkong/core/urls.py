from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("changes/", views.ChangeLogListView.as_view(), name="change-list"),
    path("changes/<int:pk>/", views.ChangeLogDetailView.as_view(), name="change-detail"),
    path("changes/object/<int:ct>/<str:pk>/", views.ObjectChangeLogView.as_view(), name="object-changes"),
    path("access-log/", views.AccessLogListView.as_view(), name="access-list"),
]
