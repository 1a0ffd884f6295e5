from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
]
