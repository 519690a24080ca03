"""The newsroom's Celery task: the password reset mail, sent outside the request, to each
account in its own language (AccountLanguageResetForm).

The reset form (newsroom.forms.ThrottledPasswordResetForm) does the same work for every
address it accepts, whether or not an account has it: it enqueues `mail_password_reset`
after commit. The task looks the address up and mails its accounts, so a slow mail server
never tells, by the time the answer takes, which addresses have an account (README: "whether
it has one is never told"). Without a broker tasks run inline (CELERY_TASK_ALWAYS_EAGER), as
every task of the project does.

A mail the mail server fails to take is tried again, not dropped at once (README,
"Outages"): the form's send_mail (PasswordResetForm below) raises a failure that may pass
to the task, which a worker retries on the mails' schedule (core.retries.MAIL_RETRY: 30 s,
then twice as long each time, at most an hour apart, ICCWATCH_WEBHOOK_MAX_RETRIES times, 8:
some two hours in all); the last failure is logged at ERROR with the account. What the task
raises then is core.retries.MailNotSent, the failure told with the link's token taken out,
not the server's own error, which Celery would log as it is.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import Retry
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.template import loader
from django.utils import translation

from accounts.languages import language_of
from accounts.management.commands.create_account import DEFAULT_BASE_URL
from core import broker
from core.retries import MAIL_RETRY, MailNotSent, failure_words, refused_for_good

logger = logging.getLogger(__name__)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's PasswordResetForm (its accounts, token, templates and context), whose mail,
    when it fails, is tried again: Django's own send_mail logs any error and drops the mail.

    A failure that may pass (an OSError, as smtplib's errors are, that refused_for_good
    does not call permanent) is raised to mail_password_reset, which a worker retries with
    back-off; each is logged at WARNING, and the last try's at ERROR before it is raised.
    Inline (the broker down, or none: CELERY_TASK_ALWAYS_EAGER, whose eager Retry
    propagates) the task is tried once: its failure is the last. A permanent refusal, or
    any other error (an address the mail cannot be sent to: ValueError), is logged at ERROR
    and the mail dropped, the address's other accounts still mailed. Every line names the
    account (its id and username), never the link's token.

    It keeps Django's name, so that the task, and any form built on it in this module, mails
    through this send_mail."""

    def get_users(self, email):
        """Django's accounts to mail (active, the address matching in any case, a usable
        password), and also the active accounts of that address whose password was never
        set: created by `create_account` without one (an unusable password) and never
        signed in. The link is how such an account sets its first password; when the one
        create_account printed expired or was lost, asking here is the way back. An
        account whose password was made unusable after it signed in (last_login set), and
        an inactive one, still gets nothing."""
        UserModel = get_user_model()
        email_field = UserModel.get_email_field_name()
        accounts = UserModel._default_manager.filter(
            **{f"{email_field}__iexact": email, "is_active": True}
        )
        return (
            account
            for account in accounts
            if (account.has_usable_password() or account.last_login is None)
            and auth_forms._unicode_ci_compare(email, getattr(account, email_field))
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Django's send_mail (the same templates, context and message), its failure raised
        or logged as the class says."""
        subject = loader.render_to_string(subject_template_name, context)
        subject = "".join(subject.splitlines())  # a subject holds no newline
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        # The default mailer, as message.send() would use it, kept to name its server.
        connection = mailers.default
        try:
            connection.send_messages([message])
        except Exception as error:  # noqa: BLE001 - each is raised or logged below
            account = f"{context['user'].pk} ({context['user'].get_username()})"
            # The mail server named for its own failures (OSError, smtplib's errors) only.
            server = connection if isinstance(error, OSError) else None
            why = failure_words(error, server).replace(context["token"], "[redacted]")
            if not isinstance(error, OSError) or refused_for_good(error):
                logger.error(
                    "password reset mail to account %s not sent, not tried again: %s",
                    account,
                    why,
                )
                return
            # Celery retries the task run by a worker; run directly (the inline fallback)
            # or inline through Celery (no broker: its Retry propagates), it is tried once.
            request = mail_password_reset.request
            inline = request.called_directly or request.is_eager
            tries = 1 if inline else mail_password_reset.max_retries + 1
            retried = request.retries + 1 < tries
            logger.log(
                logging.WARNING if retried else logging.ERROR,
                "password reset mail to account %s not sent (try %d of %d%s): %s",
                account,
                request.retries + 1,
                tries,
                ", tried again later" if retried else ", the last",
                why,
            )
            # Celery logs the exception of each retry and of the last failure, with its
            # cause: the server's answer may quote the mail, link and token included.
            raise MailNotSent(why) from None


MAIL_PASSWORD_RESET = "newsroom.mail_password_reset"


class AccountLanguageResetForm(PasswordResetForm):
    """Django's PasswordResetForm, each account's mail in the language that account last
    used the newsroom in, else in `fallback` (the language of the page the reset was asked
    from), else the site's default (accounts.languages.language_of). One address may hold
    several accounts: each gets its own mail, in its own language."""

    def __init__(self, *args, fallback: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fallback = fallback

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Django's send_mail (one account's mail), in that account's language."""
        with translation.override(language_of(context["user"], self.fallback)):
            return super().send_mail(
                subject_template_name, email_template_name, context, *args, **kwargs
            )


def base_url() -> str:
    """The site's public address for links mailed outside a request, without a trailing
    slash: ICCWATCH_BASE_URL, else create_account's DEFAULT_BASE_URL (development). Never
    the Host header of the request that asked (a client chooses it)."""
    return (settings.ICCWATCH_BASE_URL or DEFAULT_BASE_URL).rstrip("/")


@shared_task(name=MAIL_PASSWORD_RESET, **MAIL_RETRY)
def mail_password_reset(
    email: str, language: str, subject_template_name: str, email_template_name: str
) -> int:
    """Mail a one-time password link to each active account of `email` that has a usable
    password or never had one set (PasswordResetForm.get_users; Django's token), in the language the
    account last used the newsroom in, else in `language` (the page's the reset was asked
    from; AccountLanguageResetForm), linking to base_url(); returns how many accounts were
    mailed (0 for an unknown address). An OSError (the mail server, smtplib's errors) or a
    database out of reach is retried on the mails' schedule (core.retries.MAIL_RETRY)."""
    form = AccountLanguageResetForm({"email": email}, fallback=language)
    if not form.is_valid():
        return 0
    accounts = len(list(form.get_users(form.cleaned_data["email"])))
    if not accounts:
        return 0
    scheme, _, domain = base_url().partition("://")
    form.save(
        domain_override=domain,
        use_https=scheme == "https",
        subject_template_name=subject_template_name,
        email_template_name=email_template_name,
    )
    return accounts


def send_password_reset(
    email: str, language: str, subject_template_name: str, email_template_name: str
) -> None:
    """Enqueue `mail_password_reset` (called after commit). A mail accepted is never lost
    to a broker outage: when the task cannot be enqueued (the broker is down, or failed a
    moment ago: core.broker), the failure is logged and the mail is sent here, inline.
    Inline (no broker), a failure to send is logged, not raised: an error page only for
    addresses that have an account would tell them apart."""
    arguments = [email, language, subject_template_name, email_template_name]
    try:
        broker.send(mail_password_reset, args=arguments, retry=False)
        return
    except broker.BrokerUnavailable:  # down now or a moment ago: core.broker warned of it
        logger.debug("the broker cannot take the password reset mail: sending it inline")
    except Exception as error:  # noqa: BLE001 - the answer must not depend on the address
        if settings.CELERY_TASK_ALWAYS_EAGER:
            _log_unsent(error)
            return
        logger.exception("could not enqueue the password reset mail: sending it inline")
    try:
        mail_password_reset.run(*arguments)
    except Exception as error:  # noqa: BLE001 - as above
        _log_unsent(error)


def _log_unsent(error: Exception) -> None:
    """Log a reset mail's failure in the request, once: a mail server's failure was logged
    at ERROR by PasswordResetForm.send_mail already (the account, why, the mail server),
    which raised MailNotSent, here as it is (the task run directly) or in Celery's Retry
    (inline through Celery: its eager retry), and is not logged again; any other error (a
    template's, the database's) is logged here, with its traceback."""
    raised = error.exc if isinstance(error, Retry) else error
    if isinstance(raised, MailNotSent):
        return
    logger.error("password reset mail not sent", exc_info=error)
