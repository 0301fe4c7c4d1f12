from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.MeterListView.as_view(), name="meters"),
    path("meters/<int:pk>/", views.MeterDetailView.as_view(), name="meter"),
    path("meters/<int:pk>/edit/", views.MeterEditView.as_view(), name="meter_edit"),
    path("meters/<int:pk>/retire/", views.MeterRetireView.as_view(), name="meter_retire"),
    path("enterprises/<int:enterprise_pk>/meters/new/", views.MeterCreateView.as_view(), name="meter_create"),
    path("enterprises/<int:enterprise_pk>/gateways/new/", views.GatewayCreateView.as_view(), name="gateway_create"),
    path("enterprises/<int:enterprise_pk>/rollup/", views.RollupView.as_view(), name="rollup"),
    path("gateways/", views.GatewayListView.as_view(), name="gateways"),
    path("gateways/<int:pk>/retire/", views.GatewayRetireView.as_view(), name="gateway_retire"),
    path("completeness/", views.CompletenessView.as_view(), name="completeness"),
    path("live/", views.LiveView.as_view(), name="live"),
    path("conflicts/", views.ConflictListView.as_view(), name="conflicts"),
    path("conflicts/<int:pk>/", views.ConflictResolveView.as_view(), name="conflict_resolve"),
    path("anomalies/", views.AnomalyListView.as_view(), name="anomalies"),
    path("anomalies/<int:pk>/", views.AnomalyReviewView.as_view(), name="anomaly_review"),
    path("rejected/", views.RejectedMessageListView.as_view(), name="rejected_messages"),
    path("rejected/<int:pk>/", views.RejectedMessageReviewView.as_view(), name="rejected_message"),
]
