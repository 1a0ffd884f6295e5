from django.urls import path

from . import views

app_name = "areas"

urlpatterns = [
    path("", views.AreaListView.as_view(), name="area-list"),
    path("<int:pk>/", views.AreaDetailView.as_view(), name="area-detail"),
    path("<int:pk>/places/add/", views.PlaceCreateView.as_view(), name="place-add"),
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<int:pk>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("places/<int:pk>/edit/", views.PlaceEditView.as_view(), name="place-edit"),
]
