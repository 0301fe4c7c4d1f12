from django.urls import path

from . import views

app_name = "management"
urlpatterns = [
    path("", views.home, name="start"),
    path("<str:owner>/", views.SystemHomeView.as_view(), name="home"),
    path("<str:owner>/r/<slug:register>/", views.RegisterListView.as_view(), name="register_list"),
    path("<str:owner>/r/<slug:register>/new/", views.RegisterCreateView.as_view(), name="register_create"),
    path("r/<slug:register>/<int:pk>/", views.RegisterDetailView.as_view(), name="register_detail"),
    path("r/<slug:register>/<int:pk>/edit/", views.RegisterEditView.as_view(), name="register_edit"),
    path("delete/<slug:kind>/<int:pk>/", views.DeleteView.as_view(), name="delete"),
    path("<str:owner>/policy/", views.PolicyListView.as_view(), name="policy_list"),
    path("<str:owner>/policy/new/", views.PolicyCreateView.as_view(), name="policy_create"),
    path("policy/<int:pk>/", views.PolicyDetailView.as_view(), name="policy"),
    path("policy/<int:pk>/edit/", views.PolicyEditView.as_view(), name="policy_edit"),
    path("policy/<int:pk>/<slug:step>/", views.PolicyActionView.as_view(), name="policy_action"),
    path("<str:owner>/documents/", views.DocumentListView.as_view(), name="document_list"),
    path("<str:owner>/documents/new/", views.DocumentCreateView.as_view(), name="document_create"),
    path("<str:owner>/documents/generate/<slug:template>/", views.DraftGenerateView.as_view(), name="document_generate"),
    path("documents/<int:pk>/", views.DocumentDetailView.as_view(), name="document"),
    path("documents/<int:pk>/edit/", views.DocumentEditView.as_view(), name="document_edit"),
    path("documents/<int:pk>/versions/new/", views.VersionCreateView.as_view(), name="version_create"),
    path("versions/<int:pk>/file/", views.VersionFileView.as_view(), name="version_file"),
    path("versions/<int:pk>/<slug:step>/", views.VersionActionView.as_view(), name="version_action"),
]
