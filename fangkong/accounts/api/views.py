from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.core.api import ScopedReadOnlyViewSet, UserLanguageMixin

from .. import selectors, services
from ..models import Scope, User
from .serializers import (
    ScopeSerializer,
    TokenRevokedSerializer,
    TokenSerializer,
    UserCreateSerializer,
    UserSerializer,
)


class UserViewSet(UserLanguageMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Users holding a scope in the caller's jurisdiction; administrators create them with a first scope."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    filterset_fields = ["is_active", "language"]

    def get_queryset(self):
        return selectors.user_list(viewer=self.request.user, search=self.request.query_params.get("q", ""))

    def get_serializer_class(self):
        return UserCreateSerializer if self.action == "create" else UserSerializer

    @extend_schema(request=UserCreateSerializer, responses=UserSerializer)
    def create(self, request, *args, **kwargs):
        ser = UserCreateSerializer(data=request.data, context={"request": request})
        ser.is_valid(raise_exception=True)
        user = services.user_create_with_scope(actor=request.user, **ser.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=UserSerializer)
    @action(detail=False, methods=["get"], permission_classes=[IsAuthenticated])
    def me(self, request):
        return Response(UserSerializer(request.user).data)


class ScopeViewSet(ScopedReadOnlyViewSet):
    queryset = Scope.objects.all()
    serializer_class = ScopeSerializer
    filterset_fields = ["user", "role__code", "active"]

    def base_queryset(self):
        return Scope.objects.select_related("area", "role")


class TokenObtainView(APIView):
    """Username and password for an API token that expires after FANGKONG_TOKEN_TTL_HOURS.
    Failures count towards the login lockout (django-axes), as on the login page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(request=AuthTokenSerializer, responses=TokenSerializer)
    def post(self, request):
        # The Django request, not DRF's wrapper: django-axes marks a lockout on it and its
        # middleware answers with the lockout message.
        ser = AuthTokenSerializer(data=request.data, context={"request": request._request})
        ser.is_valid(raise_exception=True)
        token = services.token_issue(user=ser.validated_data["user"])
        return Response(TokenSerializer(token).data)


class TokenRevokeView(APIView):
    """Revoke the caller's own API tokens (the one used for this call included)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=TokenRevokedSerializer)
    def post(self, request):
        count = services.token_revoke(actor=request.user, user=request.user)
        return Response({"revoked": count})
