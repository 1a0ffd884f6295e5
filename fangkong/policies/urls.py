from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy-list"),
    path("<str:key>/", views.policy_detail, name="policy-detail"),
]
