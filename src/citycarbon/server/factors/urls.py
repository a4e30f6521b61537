from __future__ import annotations

from django.urls import path, re_path

from citycarbon.server.factors import views

app_name = "factors"

urlpatterns = [
    path("", views.set_list, name="set_list"),
    path("export.xlsx", views.set_list_export, name="set_list_export"),
    path("new/", views.set_new, name="set_new"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.xlsx", views.compare_export, name="compare_export"),
    path("<int:pk>/", views.set_detail, name="set_detail"),
    path("<int:pk>/export.xlsx", views.set_rows_export, name="set_rows_export"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<step>submit|return|approve|publish|correct)/$",
        views.set_step,
        name="set_step",
    ),
    path("<int:pk>/rows/new/", views.row_edit, name="row_new"),
    path("<int:pk>/rows/<str:factor_id>/", views.row_detail, name="row_detail"),
    path("<int:pk>/rows/<str:factor_id>/edit/", views.row_edit, name="row_edit"),
    path("<int:pk>/rows/<str:factor_id>/remove/", views.row_remove, name="row_remove"),
]
