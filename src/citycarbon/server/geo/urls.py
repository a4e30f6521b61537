from __future__ import annotations

from django.urls import path

from citycarbon.server.geo import views

app_name = "geo"

urlpatterns = [
    path("", views.jurisdiction_list, name="jurisdiction_list"),
    path("export.xlsx", views.jurisdiction_export, name="jurisdiction_export"),
    path("<slug:code>/", views.jurisdiction_detail, name="jurisdiction_detail"),
]
