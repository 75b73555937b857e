from django.urls import path

from . import views, views_summary

app_name = "monitoring"

ORG_YEAR = "org/<int:org_pk>/<int:year>/"
SUMMARY = "<str:level>/<int:pk>/<int:year>/summary/"

urlpatterns = [
    path("", views.index, name="index"),
    # dashboards and drill-down: region → municipality → organisation → mentorship
    path("region/<int:pk>/<int:year>/", views.region, name="region"),
    path("region/<int:pk>/<int:year>/refresh/", views.region_refresh, name="region_refresh"),
    path("municipality/<int:pk>/<int:year>/", views.municipality, name="municipality"),
    path(ORG_YEAR, views.organization, name="organization"),
    # process monitoring (stage 1)
    path("<str:level>/<int:pk>/<int:year>/satisfaction/", views.satisfaction, name="satisfaction"),
    # impact monitoring (stage 2)
    path(ORG_YEAR + "impact/", views.impact, name="impact"),
    path(ORG_YEAR + "impact/add/", views.measurement_add, name="measurement_add"),
    path(ORG_YEAR + "impact/import/", views.impact_import, name="impact_import"),
    path(ORG_YEAR + "impact/diagnostics/", views.from_diagnostics, name="from_diagnostics"),
    path(ORG_YEAR + "impact/template.xlsx", views.impact_template, name="impact_template"),
    path("measurements/<int:pk>/delete/", views.measurement_delete, name="measurement_delete"),
    # the personified registry (seed 002)
    path("<str:level>/<int:pk>/registry/", views.registry, name="registry"),
    path("<str:level>/<int:pk>/registry/export.xlsx", views.registry_export, name="registry_export"),
    # the area's annual summary (DOCX, built in the background)
    path(SUMMARY, views_summary.summary_page, name="summary"),
    path(SUMMARY + "<int:summary_pk>/", views_summary.summary_status, name="summary_status"),
    path(SUMMARY + "<int:summary_pk>/download/", views_summary.summary_download, name="summary_download"),
]
