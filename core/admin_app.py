"""django.contrib.admin with iccwatch's admin site (core.adminsite.AdminSite) as admin.site.

A module of its own: INSTALLED_APPS loads it before any model exists.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, serving core.adminsite.AdminSite: the admin for admins."""

    default_site = "core.adminsite.AdminSite"
