from __future__ import annotations

from django.urls import path, re_path

from citycarbon.server.inventory import views

app_name = "inventory"

urlpatterns = [
    path("", views.inventory_list, name="inventory_list"),
    path("export.xlsx", views.inventory_list_export, name="inventory_list_export"),
    path("new/", views.inventory_new, name="inventory_new"),
    path("<int:pk>/", views.inventory_detail, name="inventory_detail"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<step>submit|return|approve|publish|correct)/$",
        views.inventory_step,
        name="inventory_step",
    ),
    path("<int:pk>/replace/", views.inventory_replace, name="inventory_replace"),
    re_path(
        r"^(?P<pk>[0-9]+)/form\.(?P<fmt>json|yaml)$",
        views.inventory_form_download,
        name="inventory_form",
    ),
    path("<int:pk>/compile/", views.inventory_compile, name="inventory_compile"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/advance/", views.run_advance, name="run_advance"),
    path("runs/<int:pk>/categories/<str:category_id>/", views.run_category, name="run_category"),
    re_path(
        r"^runs/(?P<pk>[0-9]+)/(?P<table>categories|lines|key_categories|uncertainty)\.xlsx$",
        views.run_export,
        name="run_export",
    ),
    path("runs/compare/", views.run_compare, name="run_compare"),
    path("runs/compare/export.xlsx", views.run_compare_export, name="run_compare_export"),
    path(
        "jurisdictions/<slug:code>/",
        views.jurisdiction_inventories,
        name="jurisdiction_inventories",
    ),
    path(
        "jurisdictions/<slug:code>/export.xlsx",
        views.jurisdiction_export,
        name="jurisdiction_export",
    ),
]
