from django.urls import path

from . import views

app_name = "documents"

ORG_YEAR = "org/<int:org_pk>/<int:year>/"

urlpatterns = [
    path("", views.index, name="index"),
    path(ORG_YEAR, views.year, name="year"),
    path(ORG_YEAR + "register.xlsx", views.register_export, name="register_export"),
    path(ORG_YEAR + "issue/<slug:generator_id>/", views.issue, name="issue"),
    path(ORG_YEAR + "settings/", views.settings_edit, name="settings"),
    path(ORG_YEAR + "templates/", views.templates, name="templates"),
    path(ORG_YEAR + "templates/sample/<slug:generator_id>.docx", views.template_sample, name="template_sample"),
    path(ORG_YEAR + "batch/", views.batch, name="batch"),
    path("templates/<int:pk>/preview/", views.template_preview, name="template_preview"),
    path("templates/<int:pk>/toggle/", views.template_toggle, name="template_toggle"),
    path("batches/<int:pk>/", views.batch_status, name="batch_status"),
    path("batches/<int:pk>/download/", views.batch_download, name="batch_download"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/regenerate/", views.document_regenerate, name="document_regenerate"),
    path("<int:pk>/scan/", views.document_scan, name="document_scan"),
    path("<int:pk>/scan/download/", views.scan_download, name="scan_download"),
    path("versions/<int:pk>/download/", views.version_download, name="version_download"),
    path("versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
]
