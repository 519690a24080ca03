from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alerts import subscriptions, webhooks
from alerts.models import Subscription
from core.echo import echoed
from core.models import url_character_refusal


def _dotless_host(url: str) -> str:
    """The host of `url` when it is a name without a dot (`intranet`), else ''."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    return host if host and "." not in host and ":" not in host else ""


def not_public_refusal(url: str) -> str:
    """Why a webhook's address `url` is refused when its host is not on the public
    internet (alerts.webhooks.NotPublic), in the reader's language and in the words a
    source's address is refused in (core.addresses.address_refusal): the address named,
    and a name without a dot (`intranet`) said as such."""
    if host := _dotless_host(url):
        return gettext(
            "%(value)r is not a public address: %(host)r, a name without a dot, is known "
            "only inside a network; only public https addresses may receive webhooks."
        ) % {"value": echoed(url), "host": echoed(host)}
    return gettext(
        "%(value)r is not a public address: only public https addresses may receive webhooks."
    ) % {"value": echoed(url)}


class WebhookURLField(forms.URLField):
    """A webhook's address: Django's URLField, whose "Enter a valid URL." for a host
    without a dot (`https://intranet/hook`, a name only a network knows) says so instead,
    as a source's address does (newsroom.forms.AddressField)."""

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError as refused:
            if not _dotless_host(value):
                raise
            raise forms.ValidationError(
                [
                    forms.ValidationError(not_public_refusal(value), code="not_public")
                    if e.code == "invalid"
                    else e
                    for e in refused.error_list
                ]
            ) from None


class SubscriptionForm(forms.ModelForm):
    """A subscription to urgent alerts (/newsroom/alerts/): an email address, a webhook
    URL, or both. The webhook's address is checked as deliveries check it
    (alerts.webhooks.check_url, without DNS): public and https; plain http only to this
    machine where ICCWATCH_WEBHOOK_ALLOW_LOOPBACK is on (local development and tests,
    never production), which its help text then says. With `owner` (the account adding
    it), what alerts.subscriptions refuses is said beside its box: a second subscription
    to the same address or webhook, one too many, a confirmation link the account may not
    have mailed now."""

    class Meta:
        model = Subscription
        fields = ["label", "email", "webhook_url", "urgent"]
        field_classes = {"webhook_url": WebhookURLField}
        help_texts = {
            "label": _("For you: e.g. 'legal team' or 'court filing tool'."),
            "email": _("Alerts by email to this address."),
            "webhook_url": _(
                "Alerts as signed JSON POSTed to this https address (see the secret after saving)."
            ),
        }

    # The targets: one of them at least (`clean`, and the model's constraint).
    TARGETS = ("email", "webhook_url")

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
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
            except webhooks.NotPublic:
                raise forms.ValidationError(not_public_refusal(url), code="not_public") from None
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
        if self.owner is not None and not self.errors:
            refused = subscriptions.refusals(
                self.owner, email=data.get("email", ""), webhook_url=data.get("webhook_url", "")
            )
            for field, messages in refused.items():
                for message in messages:
                    self.add_error(None if field == NON_FIELD_ERRORS else field, message)
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
