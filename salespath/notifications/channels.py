"""How a notification leaves Salespath on each channel."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from .models import Channel, Notification


def absolute(link: str) -> str:
    base = getattr(settings, "SALESPATH_BASE_URL", "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def email_parts(notification: Notification, language: str) -> tuple[str, str, str]:
    """The e-mail of a notification: its subject, plain-text part and HTML part."""
    with translation.override(language):
        context = {"notification": notification, "url": absolute(notification.link)}
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    return f"[Salespath] {notification.title}", text, html


def send_email(notification: Notification, language: str) -> None:
    subject, text, html = email_parts(notification, language)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[notification.recipient.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send(channel: str, notification: Notification, language: str) -> None:
    if channel == Channel.EMAIL:
        send_email(notification, language)
        return
    raise ValueError(f"unknown channel {channel}")
