"""Alerts: mail to reviewers when a report awaits review, and urgent alerts (mail and
signed webhooks) when a wanted person is, or is announced to be, in a state bound to
arrest him. A way out, like the newsroom: it reads visits and core, nothing imports it.
"""
