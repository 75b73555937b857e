from django.urls import path

from . import views, views_selfmatch

app_name = "matching"

ORG_YEAR = "org/<int:org_pk>/<int:year>/"

urlpatterns = [
    path("", views.index, name="index"),
    path(ORG_YEAR, views.home, name="home"),
    path(ORG_YEAR + "compare/", views.run_compare, name="run_compare"),
    path(ORG_YEAR + "forbidden/", views.forbidden_list, name="forbidden_list"),
    path("forbidden/<int:pk>/delete/", views.forbidden_delete, name="forbidden_delete"),
    path("area/<int:region_pk>/<int:year>/", views.area_home, name="area_home"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/choose/", views.run_choose, name="run_choose"),
    path("runs/<int:pk>/swap/", views.run_swap, name="run_swap"),
    path("runs/<int:pk>/assign/", views.run_assign, name="run_assign"),
    path("runs/<int:pk>/rerun/", views.run_rerun, name="run_rerun"),
    path("runs/<int:pk>/approve/", views.run_approve, name="run_approve"),
    path("runs/<int:pk>/confirm/", views.run_confirm, name="run_confirm"),
    path("proposals/<int:pk>/lock/", views.proposal_lock, name="proposal_lock"),
    path("proposals/<int:pk>/remove/", views.proposal_remove, name="proposal_remove"),
    # self-match mode: the curator's switch and confirmation, the mentee's choice, the mentor's answers
    path(ORG_YEAR + "selfmatch/", views_selfmatch.settings_page, name="selfmatch_settings"),
    path("selfmatch/choose/<int:pk>/", views_selfmatch.choose, name="selfmatch_choose"),
    path("selfmatch/incoming/", views_selfmatch.incoming, name="selfmatch_incoming"),
    path("selfmatch/requests/<int:pk>/withdraw/", views_selfmatch.withdraw, name="selfmatch_withdraw"),
    path("selfmatch/requests/<int:pk>/answer/", views_selfmatch.answer, name="selfmatch_answer"),
    path("selfmatch/requests/<int:pk>/confirm/", views_selfmatch.confirm, name="selfmatch_confirm"),
    path("selfmatch/requests/<int:pk>/reject/", views_selfmatch.reject, name="selfmatch_reject"),
]
