from django.urls import include, path

urlpatterns = [
    path("", include("casereview.home.urls")),
    path("", include("casereview.core.urls")),
    path("accounts/", include("casereview.accounts.urls")),
    path("", include("casereview.boards.urls")),
    path("", include("casereview.referrals.urls")),
    path("", include("casereview.reviews.urls")),
    path("", include("casereview.chronologies.urls")),
    path("", include("casereview.anonymisation.urls")),
]

handler403 = "casereview.core.errors.forbidden"
handler404 = "casereview.core.errors.not_found"
handler500 = "casereview.core.errors.server_error"
