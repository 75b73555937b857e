from django.urls import path

from . import views

app_name = "certification"

urlpatterns = [
    path("", views.index, name="index"),
    # the curator: «Моя сертификация»
    path("my/", views.my, name="my"),
    path("my/trainings/new/", views.training_add, name="training_add"),
    path("trainings/<int:pk>/scan/", views.training_scan, name="training_scan"),
    path("trainings/<int:pk>/delete/", views.training_delete, name="training_delete"),
    path("trainings/<int:pk>/decide/", views.training_decide, name="training_decide"),
    # the coordinator: «Сертификация кураторов»
    path("region/<int:region_pk>/<int:year>/", views.region, name="region"),
    path("region/<int:region_pk>/<int:year>/scheme/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:scheme_pk>/issue/<int:person_pk>/", views.issue, name="issue"),
    path("certificates/<int:pk>/revoke/", views.revoke, name="revoke"),
]
