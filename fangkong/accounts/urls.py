from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.user_list, name="user-list"),
    path("new/", views.user_create, name="user-add"),
    path("me/tokens/", views.my_tokens, name="my-tokens"),
    path("<int:pk>/", views.user_detail, name="user-detail"),
    path("<int:pk>/scopes/", views.scope_add, name="scope-add"),
    path("<int:pk>/scopes/<int:scope_pk>/remove/", views.scope_remove, name="scope-remove"),
    path("<int:pk>/toggle-active/", views.user_toggle_active, name="user-toggle-active"),
]
