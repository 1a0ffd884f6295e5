from django.urls import path

from . import views

app_name = "gates"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("scans/", views.ScanListView.as_view(), name="scan-list"),
    path("scans/by-day/", views.scans_by_day, name="scans-by-day"),
    path("refusals/", views.RefusalListView.as_view(), name="refusal-list"),
    path("passes/", views.PassListView.as_view(), name="pass-list"),
    path("passes/issue/", views.pass_issue, name="pass-issue"),
    path("passes/<int:pk>/", views.PassDetailView.as_view(), name="pass-detail"),
    path("passes/<int:pk>/card/", views.PassCardView.as_view(), name="pass-card"),
    path("passes/<int:pk>/card.pdf", views.pass_card_pdf, name="pass-card-pdf"),
    path("passes/<int:pk>/revoke/", views.pass_revoke, name="pass-revoke"),
    path("p/<str:token>/", views.pass_public, name="pass-public"),
    path("places/<int:place_pk>/code/", views.place_code, name="place-code"),
    path("codes/<int:pk>/", views.PlaceCodeDetailView.as_view(), name="placecode-detail"),
    path("codes/<int:pk>/poster.pdf", views.poster_pdf, name="poster-pdf"),
    path("codes/<int:pk>/poster.png", views.poster_png, name="poster-png"),
    path("codes/<int:pk>/rotate/", views.place_code_rotate, name="placecode-rotate"),
    path("r/<str:token>/", views.self_register, name="self-register"),
    path("returnee-notice/", views.returnee_notice, name="returnee-notice"),
    path("returnee-notice/<str:code>/", views.returnee_track, name="returnee-track"),
    path("returnees/", views.ReturneeListView.as_view(), name="returnee-list"),
    path("returnees/<int:pk>/", views.ReturneeDetailView.as_view(), name="returnee-detail"),
    path("returnees/<int:pk>/review/", views.returnee_review, name="returnee-review"),
    path("returnees/<int:pk>/inspect/", views.returnee_inspect, name="returnee-inspect"),
    path("returnees/<int:pk>/decide/", views.returnee_decide, name="returnee-decide"),
    path("returnees/<int:pk>/sign/", views.returnee_sign, name="returnee-sign"),
    path("returnees/<int:pk>/letter.pdf", views.returnee_letter, name="returnee-letter"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="followup-list"),
    path("follow-ups/<int:pk>/update/", views.followup_update, name="followup-update"),
    path("posts/", views.PostListView.as_view(), name="post-list"),
    path("posts/add/", views.post_add, name="post-add"),
    path("shifts/", views.ShiftListView.as_view(), name="shift-list"),
    path("shifts/add/", views.shift_add, name="shift-add"),
    path("seals/", views.SealListView.as_view(), name="seal-list"),
    path("seals/add/", views.seal_add, name="seal-add"),
    path("seals/<int:pk>/", views.SealDetailView.as_view(), name="seal-detail"),
    path("seals/<int:pk>/check/", views.seal_check, name="seal-check"),
]
