from django.urls import path

from . import views, views_training

app_name = "pools"

ORG_YEAR = "org/<int:org_pk>/<int:year>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path(ORG_YEAR, views.overview, name="overview"),
    path("from-campaign/<int:campaign_pk>/", views.fill_from_campaign, name="fill_from_campaign"),
    # mentee pool (seed 000, roadmap 2.x)
    path(ORG_YEAR + "mentees/", views.mentee_list, name="mentee_list"),
    path(ORG_YEAR + "mentees/add/", views.mentee_add, name="mentee_add"),
    path(ORG_YEAR + "mentees/export.xlsx", views.mentee_export, name="mentee_export"),
    path("mentees/<int:pk>/", views.mentee_detail, name="mentee_detail"),
    path("mentees/<int:pk>/edit/", views.mentee_edit, name="mentee_edit"),
    path("mentees/<int:pk>/status/", views.mentee_status, name="mentee_status"),
    path("mentees/<int:pk>/notes/add/", views.note_add, name="note_add"),
    path("notes/<int:pk>/delete/", views.note_delete, name="note_delete"),
    # mentor pool (seed 000, roadmap 3.x–4.2, 7.8; seed 001)
    path(ORG_YEAR + "mentors/", views.mentor_list, name="mentor_list"),
    path(ORG_YEAR + "mentors/add/", views.mentor_add, name="mentor_add"),
    path(ORG_YEAR + "mentors/export.xlsx", views.mentor_export, name="mentor_export"),
    path("mentors/<int:pk>/", views.mentor_detail, name="mentor_detail"),
    path("mentors/<int:pk>/edit/", views.mentor_edit, name="mentor_edit"),
    path("mentors/<int:pk>/score/", views.mentor_score, name="mentor_score"),
    path("mentors/<int:pk>/decision/", views.mentor_decision, name="mentor_decision"),
    path("mentors/<int:pk>/status/", views.mentor_status, name="mentor_status"),
    # training of mentors (seed 000, roadmap 4.3–4.4)
    path(ORG_YEAR + "trainings/", views_training.training_list, name="training_list"),
    path(ORG_YEAR + "trainings/new/", views_training.training_form, name="training_create"),
    path("trainings/<int:pk>/", views_training.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", views_training.training_form, name="training_edit"),
    path("trainings/<int:pk>/attendance/", views_training.training_attendance, name="training_attendance"),
    path("trainings/<int:pk>/materials/add/", views_training.material_add, name="material_add"),
    path("materials/<int:pk>/", views_training.material_download, name="material_download"),
    path("materials/<int:pk>/delete/", views_training.material_delete, name="material_delete"),
]
