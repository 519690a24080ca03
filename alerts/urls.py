"""/newsroom/alerts/: subscriptions, the confirmation of their addresses, the link of an alert
mail that removes its subscription (each with the page its button leads to), and the
delivery log."""

from django.urls import path

from alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.subscriptions, name="subscriptions"),
    path("log/", views.deliveries, name="deliveries"),
    path("confirm/", views.confirm, name="confirm"),
    path("confirm/done/", views.confirmed, name="confirmed"),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("unsubscribe/done/", views.unsubscribed, name="unsubscribed"),
    path("<int:pk>/", views.subscription, name="subscription"),
    path("<int:pk>/toggle/", views.toggle, name="toggle"),
    path("<int:pk>/confirmation/", views.resend, name="resend"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
