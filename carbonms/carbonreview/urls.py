from django.urls import path

from . import views

app_name = "carbonreview"
urlpatterns = [
    path("", views.start, name="start"),
    path("indicators/", views.indicators_start, name="indicators_start"),
    path("<str:owner>/indicators/", views.IndicatorListView.as_view(), name="indicators"),
    path("<str:owner>/indicators/new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator"),
    path("indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/investigate/<int:year>/", views.InvestigationOpenView.as_view(), name="investigation_open"),
    path("<str:owner>/investigations/", views.InvestigationListView.as_view(), name="investigations"),
    path("investigations/<int:pk>/", views.InvestigationDetailView.as_view(), name="investigation"),
    path("investigations/<int:pk>/conclude/", views.InvestigationConcludeView.as_view(), name="investigation_conclude"),
    path("investigations/<int:pk>/steps/<slug:step>/", views.InvestigationActionView.as_view(), name="investigation_action"),
    path("<str:owner>/reviews/", views.ReviewListView.as_view(), name="reviews"),
    path("<str:owner>/reviews/new/", views.ReviewCreateView.as_view(), name="review_create"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review"),
    path("reviews/<int:pk>/update/", views.ReviewUpdateView.as_view(), name="review_update"),
    path("reviews/<int:pk>/<slug:step>/", views.ReviewActionView.as_view(), name="review_action"),
    path("sections/<int:pk>/", views.SectionSaveView.as_view(), name="section_save"),
]
