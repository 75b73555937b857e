from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/delete/", views.person_delete, name="delete"),
    path("<int:pk>/history/", views.person_history, name="history"),
    path("<int:pk>/roles/new/", views.role_add, name="role_add"),
    path("<int:pk>/roles/<int:role_pk>/delete/", views.role_delete, name="role_delete"),
    path("<int:pk>/guardians/new/", views.guardian_add, name="guardian_add"),
    path("<int:pk>/guardians/<int:link_pk>/delete/", views.guardian_delete, name="guardian_delete"),
    path("<int:pk>/account/", views.account_create, name="account_create"),
    path("<int:pk>/account/reset/", views.account_reset, name="account_reset"),
]

# import of participant lists (views_import)
from . import views_import  # noqa: E402

urlpatterns += [
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/<int:pk>/", views_import.import_preview, name="import_preview"),
    path("import/<int:pk>/run/", views_import.import_run, name="import_run"),
    path("import/<int:pk>/status/", views_import.import_status, name="import_status"),
    path("import/<int:pk>/report/", views_import.import_report, name="import_report"),
]
