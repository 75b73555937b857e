from django.urls import path

from . import views

app_name = "mentorbase"

urlpatterns = [
    path("", views.index, name="index"),
    # an organisation: its long-term base, the search of a mentor nearby, its requests
    path("org/<int:org_pk>/", views.org_base, name="org_base"),
    path("org/<int:org_pk>/refresh/", views.refresh, name="refresh"),
    path("org/<int:org_pk>/add/", views.add, name="add"),
    path("org/<int:org_pk>/find/", views.find, name="find"),
    path("org/<int:org_pk>/find/<int:pk>/request/", views.request_new, name="request_new"),
    path("org/<int:org_pk>/requests/", views.requests, name="requests"),
    # a base mentor
    path("mentors/<int:pk>/", views.detail, name="detail"),
    path("mentors/<int:pk>/edit/", views.edit, name="edit"),
    path("mentors/<int:pk>/remove/", views.remove, name="remove"),
    # a request between organisations
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<int:pk>/to-pool/", views.request_to_pool, name="request_to_pool"),
    # the aggregated base of a region (coordinators)
    path("region/<int:region_pk>/", views.region, name="region"),
    path("region/<int:region_pk>/export/", views.region_export, name="region_export"),
    path("region/<int:region_pk>/refresh/", views.region_refresh, name="region_refresh"),
]
