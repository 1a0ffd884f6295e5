from django.urls import path  # noqa: F401

app_name = "workforce"

urlpatterns: list = []

# Care and health (issue 20, wf3).
from .care_urls import urlpatterns as _care  # noqa: E402

urlpatterns += _care
