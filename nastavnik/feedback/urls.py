from django.urls import path

from . import views

app_name = "feedback"

ORG_YEAR = "org/<int:org_pk>/<int:year>/"

urlpatterns = [
    path("", views.index, name="index"),
    # the curator's side
    path(ORG_YEAR, views.alerts, name="alerts"),
    path(ORG_YEAR + "settings/", views.alert_settings, name="settings"),
    path(ORG_YEAR + "flags/", views.flag_list, name="flags"),
    path("flags/<int:pk>/", views.flag_detail, name="flag_detail"),
    path("flags/<int:pk>/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
    path("flags/<int:pk>/close/", views.flag_close, name="flag_close"),
    path("rematch/<int:pk>/", views.rematch_decide, name="rematch_decide"),
    # one mentorship: the participants' side
    path("m/<int:pk>/", views.mentorship, name="mentorship"),
    path("m/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("m/<int:pk>/agreement/accept/", views.agreement_accept, name="agreement_accept"),
    path("m/<int:pk>/fit/", views.fit_check, name="fit"),
    path("m/<int:pk>/pulse/", views.pulse, name="pulse"),
    path("m/<int:pk>/final/", views.final, name="final"),
    path("m/<int:pk>/concern/", views.flag_create, name="flag_create"),
    path("meetings/<int:pk>/rate/", views.rate, name="rate"),
]
