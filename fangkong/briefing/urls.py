from django.urls import path

from . import views

app_name = "briefing"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("command/", views.command, name="command"),
    path("command/data/", views.command_data, name="command-data"),
    path("generate/", views.generate, name="generate"),
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path("<int:pk>/", views.detail, name="briefing-detail"),
    path("<int:pk>/briefing.pdf", views.pdf, name="briefing-pdf"),
    path("<int:pk>/briefing.xlsx", views.xlsx, name="briefing-xlsx"),
    path("<int:pk>/check/", views.check, name="briefing-check"),
    path("<int:pk>/items/add/", views.item_add, name="item-add"),
    path("items/<int:pk>/state/", views.item_state, name="item-state"),
]
