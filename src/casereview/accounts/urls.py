from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("account/", views.account, name="account"),
    path("keep-alive/", views.keep_alive, name="keep-alive"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/sign-out-elsewhere/", views.sign_out_elsewhere, name="sign-out-elsewhere"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password/reset/done/", views.password_reset_complete, name="password-reset-complete"),
]
