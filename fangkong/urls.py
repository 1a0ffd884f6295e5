from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fangkong.accounts.api.views import TokenObtainView, TokenRevokeView
from fangkong.accounts.views import set_language
from fangkong.core.api import router
from fangkong.core.views import home, lookup, search_page, workbench_page

# Each app registers its viewsets on the one router (the leak test walks router.registry).
for app in [
    "core.api_views",
    *(
        f"{a.rsplit('.', 1)[1]}.api.urls"
        for a in settings.INSTALLED_APPS
        if a.startswith("fangkong.") and a != "fangkong.core"
    ),
]:
    import_module(f"fangkong.{app}")

urlpatterns = [
    path("", home, name="home"),
    # Browsers ask for /favicon.ico on every page they have no <link rel=icon> for (JSON, PDFs).
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}favicon.svg", permanent=True)),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set-language"),
    path("lookup/<str:key>/", lookup, name="lookup"),
    path("workbench/", workbench_page, name="workbench"),
    path("search/", search_page, name="search"),
    path("areas/", include("fangkong.areas.urls")),
    path("users/", include("fangkong.accounts.urls")),
    path("policies/", include("fangkong.policies.urls")),
    path("audit/", include("fangkong.core.urls")),
    path("people/", include("fangkong.people.urls")),
    path("gates/", include("fangkong.gates.urls")),
    path("observation/", include("fangkong.observation.urls")),
    path("screening/", include("fangkong.screening.urls")),
    path("tracing/", include("fangkong.tracing.urls")),
    path("support/", include("fangkong.support.urls")),
    path("briefing/", include("fangkong.briefing.urls")),
    path("workforce/", include("fangkong.workforce.urls")),
    path("hotline/", include("fangkong.hotline.urls")),
    path("workplaces/", include("fangkong.workplaces.urls")),
    path("admin/", admin.site.urls),
    path("api/auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("api/auth/token/revoke/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(router.urls)),
]

handler404 = "fangkong.core.errors.not_found"
handler500 = "fangkong.core.errors.server_error"
handler403 = "fangkong.core.errors.forbidden"
