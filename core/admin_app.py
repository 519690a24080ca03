"""django.contrib.admin with iccwatch's admin site (core.adminsite.AdminSite) as admin.site.

A module of its own: INSTALLED_APPS loads it before any model exists.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "core.adminsite.AdminSite"
