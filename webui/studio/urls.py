from django.urls import path

from . import views

app_name = "studio"
urlpatterns = [
    path("", views.process_list, name="list"),
    path("<slug:slug>/studio/", views.studio_home, name="home"),
    path("<slug:slug>/studio/controleren/", views.studio_check, name="check"),
    path("<slug:slug>/studio/verschillen/", views.studio_diff, name="diff"),
    path("<slug:slug>/studio/basis/", views.studio_base_change, name="base_change"),
    path("<slug:slug>/studio/in-gebruik/", views.studio_deploy, name="deploy"),
    path("<slug:slug>/studio/proefrit/", views.studio_proefrit, name="proefrit"),
    path(
        "<slug:slug>/studio/proefrit/starten/",
        views.studio_proefrit_start,
        name="proefrit_start",
    ),
    path(
        "<slug:slug>/studio/scenarios/",
        views.studio_scenarios,
        name="scenarios",
    ),
    path(
        "<slug:slug>/studio/scenarios/draaien/",
        views.studio_scenarios_run,
        name="scenarios_run",
    ),
    path(
        "<slug:slug>/studio/scenarios/bewaren/",
        views.studio_scenario_save,
        name="scenario_save",
    ),
    path(
        "<slug:slug>/studio/scenarios/toevoegen/",
        views.studio_scenario_upload,
        name="scenario_upload",
    ),
    path(
        "<slug:slug>/studio/scenarios/<int:pk>/json/",
        views.studio_scenario_download,
        name="scenario_download",
    ),
    path(
        "<slug:slug>/studio/scenarios/<int:pk>/verwijderen/",
        views.studio_scenario_delete,
        name="scenario_delete",
    ),
    path(
        "<slug:slug>/versies/<int:number>/scenarios/",
        views.studio_version_scenarios,
        name="version_scenarios",
    ),
    path("<slug:slug>/studio/nieuwe-basis/", views.studio_rebase, name="rebase"),
    path("<slug:slug>/studio/verwijderen/", views.studio_remove, name="remove"),
    path("<slug:slug>/studio/uploaden/", views.studio_upload, name="upload"),
    path(
        "<slug:slug>/studio/nieuw-diagram/",
        views.studio_new_diagram,
        name="new_diagram",
    ),
    path("<slug:slug>/studio/nieuw-formulier/", views.studio_new_form, name="new_form"),
    path(
        "<slug:slug>/studio/nieuwe-beslistabel/",
        views.studio_new_table,
        name="new_table",
    ),
    path("<slug:slug>/studio/download/", views.studio_download, name="download"),
    path("<slug:slug>/studio/instellingen/", views.studio_settings, name="settings"),
    path(
        "<slug:slug>/studio/diagram/<str:file_name>/",
        views.studio_modeler,
        name="modeler",
    ),
    path(
        "<slug:slug>/studio/beslistabel/<str:file_name>/",
        views.studio_dmn_editor,
        name="dmn_editor",
    ),
    path(
        "<slug:slug>/studio/formulier/<str:key>/",
        views.studio_form_editor,
        name="form_editor",
    ),
    path(
        "<slug:slug>/studio/formulier/<str:key>/voorbeeld/",
        views.studio_form_preview,
        name="form_preview",
    ),
    path(
        "<slug:slug>/versies/<int:number>/download/",
        views.studio_download,
        name="version_download",
    ),
    path(
        "<slug:slug>/versies/<int:number>/in-gebruik/",
        views.studio_activate,
        name="activate",
    ),
    path("<slug:slug>/migratie/", views.studio_migration, name="migration"),
    path(
        "<slug:slug>/migratie/<int:run_id>/",
        views.studio_migration_run,
        name="migration_run",
    ),
    path(
        "<slug:slug>/migratie/terugdraaien/<int:migration_id>/",
        views.studio_migration_revert,
        name="migration_revert",
    ),
    path("<slug:gemeente>/<str:file_name>/", views.diagram, name="diagram"),
]
