from django.urls import path

from . import views, views_journal, views_meetings, views_plan

app_name = "mentorships"

ORG_YEAR = "org/<int:org_pk>/<int:year>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("my/", views.my, name="my"),
    path(ORG_YEAR, views.mentorship_list, name="list"),
    path(ORG_YEAR + "new/", views.mentorship_create, name="create"),
    path("<int:pk>/", views.mentorship_detail, name="detail"),
    path("<int:pk>/activate/", views.mentorship_activate, name="activate"),
    path("<int:pk>/end/", views.mentorship_end, name="end"),
    path("<int:pk>/plan-end/", views.mentorship_plan_end, name="plan_end"),
    path("<int:pk>/plan-end/cancel/", views.mentorship_cancel_planned_end, name="cancel_planned_end"),
    path("<int:pk>/plan-end/complete/", views.mentorship_complete_planned, name="complete_planned"),
    path("<int:pk>/history/", views.mentorship_history, name="history"),
    # meetings (seed 000, stage 6.1–6.7) and calendars
    path("<int:pk>/meetings/new/", views_meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/cancel/", views_meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/confirm/", views_meetings.meeting_confirm, name="meeting_confirm"),
    path("meetings/<int:pk>/meeting.ics", views_meetings.meeting_ics, name="meeting_ics"),
    path("calendar/", views_meetings.calendar, name="calendar"),
    path("calendar/reset/", views_meetings.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views_meetings.calendar_feed, name="calendar_feed"),
    # the individual plan (seed 002, form № 1)
    path("<int:pk>/plan/", views_plan.plan, name="plan"),
    path("<int:pk>/plan/new/", views_plan.plan_start, name="plan_start"),
    path("plans/<int:pk>/goal/", views_plan.plan_goal, name="plan_goal"),
    path("plans/<int:pk>/items/add/", views_plan.plan_item_add, name="plan_item_add"),
    path("plans/<int:pk>/submit/", views_plan.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/approve/", views_plan.plan_approve, name="plan_approve"),
    path("plans/<int:pk>/return/", views_plan.plan_return, name="plan_return"),
    path("plans/<int:pk>/comment/", views_plan.plan_comment, name="plan_comment"),
    path("plan-items/<int:pk>/edit/", views_plan.plan_item_edit, name="plan_item_edit"),
    path("plan-items/<int:pk>/delete/", views_plan.plan_item_delete, name="plan_item_delete"),
    path("plan-items/<int:pk>/progress/", views_plan.plan_item_progress, name="plan_item_progress"),
    # the mentor's journal (seed 002, form № 2)
    path("<int:pk>/journal/", views_journal.journal, name="journal"),
    path("<int:pk>/journal/new/", views_journal.journal_add, name="journal_add"),
    path("<int:pk>/journal/print/", views_journal.journal_print, name="journal_print"),
    path("meetings/<int:pk>/journal/", views_journal.journal_from_meeting, name="journal_from_meeting"),
    path("journal/<int:pk>/edit/", views_journal.journal_edit, name="journal_edit"),
    path("journal/<int:pk>/sign/", views_journal.journal_sign, name="journal_sign"),
]
