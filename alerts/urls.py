"""/newsroom/alerts/: subscriptions and the delivery log."""

from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("log/", views.deliveries, name="deliveries"),
    path("<int:pk>/", views.subscription, name="subscription"),
    path("<int:pk>/toggle/", views.toggle, name="toggle"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
