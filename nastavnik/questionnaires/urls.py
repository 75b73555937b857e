from django.urls import path

from . import views, views_public

app_name = "questionnaires"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.area_create, name="area_create"),
    path("org/<int:org_pk>/", views.org_home, name="org"),
    path("org/<int:org_pk>/new/", views.questionnaire_create, name="create"),
    path("<int:pk>/", views.questionnaire_detail, name="detail"),
    path("<int:pk>/edit/", views.questionnaire_edit, name="edit"),
    path("<int:pk>/delete/", views.questionnaire_delete, name="delete"),
    path("<int:pk>/copy/", views.questionnaire_copy, name="copy"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/sections/new/", views.section_create, name="section_create"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/move/", views.section_move, name="section_move"),
    path("sections/<int:pk>/questions/new/", views.question_create, name="question_create"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("<int:pk>/send/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/send/", views.campaign_send, name="campaign_send"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
    path("campaigns/<int:pk>/results/", views.campaign_results, name="results"),
    path("campaigns/<int:pk>/results.xlsx", views.campaign_export, name="export"),
    # the public answer page: a personal one-time link, no login
    path("a/<str:token>/", views_public.answer, name="answer"),
]
