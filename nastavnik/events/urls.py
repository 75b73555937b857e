from django.urls import path

from . import views, views_cases, views_public

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    # events and calendars (seed 000, stage 1, 5.1, 7.1–7.2; seed 004, stage 7)
    path("org/<int:org_pk>/", views.org_calendar, name="org_calendar"),
    path("org/<int:org_pk>/new/", views.event_create, name="event_create"),
    path("region/<int:region_pk>/", views.region_calendar, name="region_calendar"),
    path("region/<int:region_pk>/new/", views.event_create_region, name="event_create_region"),
    path("municipality/<int:municipality_pk>/new/", views.event_create_municipality, name="event_create_municipality"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("<int:pk>/register/", views.event_register, name="event_register"),
    path("<int:pk>/register-others/", views.event_register_others, name="event_register_others"),
    path("<int:pk>/attendance/", views.event_attendance, name="event_attendance"),
    path("<int:pk>/materials/add/", views.material_add, name="material_add"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("materials/<int:pk>/", views.material_download, name="material_download"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material_delete"),
    # awards and the portfolio (seed 000, 7.2; seed 001, stage 6)
    path("org/<int:org_pk>/<int:year>/awards/", views.awards, name="awards"),
    path("org/<int:org_pk>/<int:year>/awards/new/", views.award_nominate, name="award_nominate"),
    path("awards/<int:pk>/decide/", views.award_decide, name="award_decide"),
    path("awards/<int:pk>/delete/", views.award_delete, name="award_delete"),
    path("portfolio/me/", views.my_portfolio, name="my_portfolio"),
    path("portfolio/<int:person_pk>/", views.portfolio, name="portfolio"),
    # the case library (seed 000, 7.5–7.6; seed 004)
    path("cases/", views_cases.case_library, name="case_library"),
    path("org/<int:org_pk>/cases/new/", views_cases.case_create, name="case_create"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views_cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/submit/", views_cases.case_submit, name="case_submit"),
    path("cases/<int:pk>/moderate/", views_cases.case_moderate, name="case_moderate"),
    path("cases/<int:pk>/delete/", views_cases.case_delete, name="case_delete"),
    path("cases/<int:pk>/consent/", views_cases.case_consent, name="case_consent"),
    path("cases/<int:pk>/materials/add/", views_cases.case_material_add, name="case_material_add"),
    path("case-materials/<int:pk>/", views_cases.case_material_download, name="case_material_download"),
    path("case-materials/<int:pk>/delete/", views_cases.case_material_delete, name="case_material_delete"),
    path("publication-consents/<int:pk>/revoke/", views_cases.consent_revoke, name="consent_revoke"),
    # the public page settings and news (seed 000, 7.6; seed 002)
    path("org/<int:org_pk>/public-page/", views_cases.public_settings, name="public_settings"),
    path("org/<int:org_pk>/news/", views_cases.news_list, name="news_list"),
    path("org/<int:org_pk>/news/new/", views_cases.news_create, name="news_create"),
    path("news/<int:pk>/", views_cases.news_detail, name="news_detail"),
    path("news/<int:pk>/edit/", views_cases.news_edit, name="news_edit"),
    path("news/<int:pk>/publish/", views_cases.news_publish, name="news_publish"),
    path("news/<int:pk>/delete/", views_cases.news_delete, name="news_delete"),
    path("news/<int:pk>/images/add/", views_cases.news_image_add, name="news_image_add"),
    path("news/<int:pk>/export.zip", views_cases.news_export, name="news_export"),
    # open information, no login
    path("public/org/<int:org_pk>/", views_public.public_org, name="public_org"),
    path("public/org/<int:org_pk>/rss.xml", views_public.public_rss, name="public_rss"),
    path("public/region/<int:region_pk>/", views_public.public_region, name="public_region"),
    path("public/cases/<int:pk>/", views_public.public_case, name="public_case"),
    path("public/news/<int:pk>/", views_public.public_news, name="public_news"),
    path("public/files/<str:kind>/<int:pk>/", views_public.public_file, name="public_file"),
]
