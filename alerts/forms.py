from django import forms
from django.utils.translation import gettext_lazy as _

from alerts import webhooks
from alerts.models import Subscription
from core.models import url_character_refusal


class SubscriptionForm(forms.ModelForm):
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

    def clean_webhook_url(self):
        url = self.cleaned_data.get("webhook_url", "").strip()
        if url:
            if refused := url_character_refusal(url):
                # Named, as a source's address is refused: the generic sentence below
                # would leave the subscriber looking for what is wrong with the address.
                raise forms.ValidationError(refused, code="invalid")
            try:
                webhooks.check_url(url)
            except webhooks.UnsafeTarget:
                raise forms.ValidationError(
                    _("Only public http or https addresses may receive webhooks."),
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
