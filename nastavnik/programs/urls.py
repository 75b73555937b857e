from django.urls import path

from . import views, views_year

app_name = "programs"

ORG_YEAR = "org/<int:org_pk>/<int:year>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("forms/", views.form_list, name="form_list"),
    path("forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("smart-check/", views.smart_check, name="smart_check"),
    path("area/new/", views.area_program_create, name="area_program_create"),
    path(ORG_YEAR, views_year.year, name="year"),
    path(ORG_YEAR + "program/new/", views.program_create, name="program_create"),
    path("<int:pk>/", views.program_detail, name="program_detail"),
    path("<int:pk>/step/<slug:step>/", views.program_step, name="program_step"),
    path("<int:pk>/approve/", views.program_approve, name="program_approve"),
    path("<int:pk>/new-version/", views.program_new_version, name="program_new_version"),
    path(ORG_YEAR + "group/", views_year.group, name="group"),
    path(ORG_YEAR + "group/add/", views_year.group_member_add, name="group_member_add"),
    path("group/<int:pk>/delete/", views_year.group_member_delete, name="group_member_delete"),
    path(ORG_YEAR + "meetings/new/", views_year.meeting_form, name="meeting_create"),
    path("meetings/<int:pk>/", views_year.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", views_year.meeting_form, name="meeting_edit"),
    path(ORG_YEAR + "roadmap/", views_year.roadmap, name="roadmap"),
    path(ORG_YEAR + "roadmap/load/", views_year.roadmap_load, name="roadmap_load"),
    path(ORG_YEAR + "roadmap/timeline/", views_year.roadmap_timeline, name="roadmap_timeline"),
    path("roadmap/<int:roadmap_pk>/items/new/", views_year.item_form, name="item_create"),
    path("items/<int:pk>/edit/", views_year.item_form, name="item_edit"),
    path("items/<int:pk>/delete/", views_year.item_delete, name="item_delete"),
    path("items/<int:pk>/status/", views_year.item_status, name="item_status"),
    path(ORG_YEAR + "analysis/", views_year.analysis, name="analysis"),
    path(ORG_YEAR + "rollover/", views_year.year_rollover, name="year_rollover"),
    path(ORG_YEAR + "close/", views_year.year_close, name="year_close"),
    path(ORG_YEAR + "close/pairs/", views_year.year_close_marks, name="year_close_marks"),
]
