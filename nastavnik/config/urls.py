from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from nastavnik.people.views import home

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("people/", include("nastavnik.people.urls")),
    path("orgs/", include("nastavnik.orgs.urls")),
    path("programs/", include("nastavnik.programs.urls")),
    path("consents/", include("nastavnik.consents.urls")),
    path("questionnaires/", include("nastavnik.questionnaires.urls")),
    path("pools/", include("nastavnik.pools.urls")),
    path("matching/", include("nastavnik.matching.urls")),
    path("mentorships/", include("nastavnik.mentorships.urls")),
    path("documents/", include("nastavnik.documents.urls")),
    path("feedback/", include("nastavnik.feedback.urls")),
    path("notifications/", include("nastavnik.notifications.urls")),
    path("monitoring/", include("nastavnik.monitoring.urls")),
    path("events/", include("nastavnik.events.urls")),
    path("certification/", include("nastavnik.certification.urls")),
    path("mentorbase/", include("nastavnik.mentorbase.urls")),
    path("admin/", admin.site.urls),
]
