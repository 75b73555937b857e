from django.urls import path

from . import views

app_name = "consents"

urlpatterns = [
    path("person/<int:pk>/", views.person_consents, name="person"),
    path("person/<int:pk>/link/", views.request_create, name="request_create"),
    path("person/<int:pk>/blank/", views.blank, name="blank"),
    path("person/<int:pk>/scan/", views.scan_upload, name="scan_upload"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/scan/", views.scan_download, name="scan_download"),
    path("org/<int:org_pk>/", views.organization_overview, name="organization"),
    path("c/<str:token>/", views.give, name="give"),
]
