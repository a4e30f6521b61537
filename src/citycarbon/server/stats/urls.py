from __future__ import annotations

from django.urls import path

from citycarbon.server.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.statistic_list, name="statistic_list"),
    path("export.xlsx", views.statistic_export, name="statistic_export"),
    path("template.xlsx", views.statistic_template, name="statistic_template"),
    path("new/", views.statistic_create, name="statistic_create"),
    path("import/", views.statistic_import, name="statistic_import"),
    path("<int:pk>/", views.statistic_detail, name="statistic_detail"),
    path("<int:pk>/edit/", views.statistic_edit, name="statistic_edit"),
    path("<int:pk>/acknowledge/", views.statistic_acknowledge, name="statistic_acknowledge"),
    path("<int:pk>/<slug:step>/", views.statistic_step, name="statistic_step"),
]
