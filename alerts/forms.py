from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from alerts import webhooks
from alerts.models import Subscription
from core.models import url_character_refusal


class SubscriptionForm(forms.ModelForm):
    """A subscription to urgent alerts (/newsroom/alerts/): an email address, a webhook
    URL, or both. The webhook's address is checked as deliveries check it
    (alerts.webhooks.check_url, without DNS): public and https; plain http only to this
    machine where ICCWATCH_WEBHOOK_ALLOW_LOOPBACK is on (local development and tests,
    never production), which its help text then says."""

    class Meta:
        model = Subscription
        fields = ["label", "email", "webhook_url", "urgent"]
        help_texts = {
            "label": _("For you: e.g. 'legal team' or 'court filing tool'."),
            "email": _("Alerts by email to this address."),
            "webhook_url": _(
                "Alerts as signed JSON POSTed to this https address (see the secret after saving)."
            ),
        }

    # The targets: one of them at least (`clean`, and the model's constraint).
    TARGETS = ("email", "webhook_url")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each optional alone: its label says so (newsroom/includes/field.html).
        self.fields["email"].required_unless = _("required without a webhook URL")
        self.fields["webhook_url"].required_unless = _("required without an email address")
        if settings.ICCWATCH_WEBHOOK_ALLOW_LOOPBACK:
            self.fields["webhook_url"].help_text = _(
                "Alerts as signed JSON POSTed to this https address (see the secret after "
                "saving). On this development site, an http address on this machine "
                "(localhost, 127.0.0.1, [::1]) is accepted too; never in production."
            )

    def clean_webhook_url(self):
        url = self.cleaned_data.get("webhook_url", "").strip()
        if url:
            if refused := url_character_refusal(url):
                # Named, as a source's address is refused: the generic sentence below
                # would leave the subscriber looking for what is wrong with the address.
                raise forms.ValidationError(refused, code="invalid")
            try:
                webhooks.check_url(url)
            except webhooks.PlainHttp:
                raise forms.ValidationError(
                    _("Give an https address: alerts are not sent to a webhook over plain http."),
                    code="not_https",
                ) from None
            except webhooks.UnsafeTarget:
                raise forms.ValidationError(
                    _("Only public https addresses may receive webhooks."),
                    code="unsafe",
                ) from None
        return url

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("webhook_url") and not self.errors:
            raise forms.ValidationError(
                _("Give an email address, a webhook URL, or both."), code="no_target"
            )
        return data

    @property
    def without_a_target(self) -> bool:
        """Refused for giving neither target (`clean`): both boxes answer that error."""
        return self.has_error(NON_FIELD_ERRORS, "no_target")

    def validate_constraints(self):
        """The model's constraints, but for the one `clean` already said in words: a
        subscription with neither target (subscription_has_a_target) is refused once."""
        if self.without_a_target:
            return
        super().validate_constraints()
