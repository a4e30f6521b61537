from __future__ import annotations

from django.urls import path

from citycarbon.server.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/<int:year>/export.xlsx", views.assessment_export, name="assessment_export"),
    path("assessment/<int:year>/report.pdf", views.assessment_report, name="assessment_report"),
    path("assessment/recompute/", views.recompute, name="recompute"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("sets/<slug:code>/", views.target_set_detail, name="target_set"),
    path("jurisdictions/<slug:code>/", views.jurisdiction, name="jurisdiction"),
]
