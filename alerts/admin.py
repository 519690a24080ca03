from django.contrib import admin

from alerts.models import Delivery, DeliveryAttempt, NewsroomMail, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Subscriptions, their secret never shown. The address confirmed is read only: an
    address changed here awaits the confirmation of the person it belongs to, which its
    owner sends from the subscription's page (alerts.subscriptions)."""

    list_display = [
        "__str__",
        "owner",
        "email",
        "confirmed_email",
        "webhook_url",
        "urgent",
        "active",
        "created_at",
    ]
    list_filter = ["active", "urgent"]
    exclude = ["secret"]
    readonly_fields = ["confirmed_email", "confirmation_sent_at"]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "at", "response_code", "error", "duration_ms"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["alert_key", "subscription", "channel", "status", "attempts", "created_at"]
    list_filter = ["status", "channel"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False


@admin.register(NewsroomMail)
class NewsroomMailAdmin(admin.ModelAdmin):
    """The newsroom mails owed and sent (alerts.services.record_mail, and the mails to an
    account's owner, record_account_mail), read only: a failed one failed every try it had
    (alerts.services.MAIL_ATTEMPTS; the log says why)."""

    list_display = ["report", "account", "action", "status", "attempts", "created_at", "done_at"]
    list_filter = ["status", "action"]
    readonly_fields = [f.name for f in NewsroomMail._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
