from django import forms
from django.contrib import admin

from core.addresses import address_refusal
from core.models import Source


class SourceAdminForm(forms.ModelForm):
    """A source's addresses checked as every other way in checks them: an http(s) address
    anyone can read, without credentials or a character no URL holds
    (core.addresses.address_refusal, the newsroom's, the API's and the importer's rule)."""

    class Meta:
        model = Source
        fields = ["url", "publisher", "published", "excerpt", "archived_url"]

    def _checked(self, field: str) -> str:
        url = self.cleaned_data.get(field) or ""
        if url and (refused := address_refusal(url)):
            raise forms.ValidationError(refused)
        return url

    def clean_url(self) -> str:
        return self._checked("url")

    def clean_archived_url(self) -> str:
        return self._checked("archived_url")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
    list_display = ["url", "publisher", "published"]
    search_fields = ["url", "publisher", "excerpt"]
    list_filter = ["published"]
