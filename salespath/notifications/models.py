"""Notifications: what a person was told, and how each channel delivered it.

A notification is recorded before anything is sent, and its `key` names the event it is
about ("overdue:<opportunity>:<week>"), so the same event never makes two however often a
due job runs. Each channel's send is a `Delivery` with its own attempts and last error.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32)
    key = models.CharField(_("event key"), max_length=200)
    # Written in the recipient's language when the notification is made: it reads the same
    # in the list, in the e-mail and in a year's time.
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["notification", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel} {self.state}"


class Recipient(models.Model):
    """A person's notification settings: the language they are written to in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.user)


class JobRun(models.Model):
    """One run of a scheduled job for one due time: the second run of the same slot is a
    no-op, whoever starts it."""

    job = models.CharField(_("job"), max_length=64)
    due = models.CharField(_("due slot"), max_length=64)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    notified = models.PositiveIntegerField(_("notifications made"), default=0)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["job", "due"], name="job_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.due}"


class Preference(models.Model):
    """Whether a kind of notification goes out on a channel: a person's own choice, or with
    no person the administrators' default for everyone who has not chosen. Without either,
    every channel is on. The in-app list always has every notification."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_preferences",
        verbose_name=_("person"),
        help_text=_("Empty: the default for everyone."),
    )
    kind = models.CharField(_("kind"), max_length=32)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(_("send"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="preference_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["kind", "channel"],
                condition=models.Q(user__isnull=True),
                name="preference_one_default",
                violation_error_message=_("There is already a default for this kind and channel."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or '*'} {self.kind} {self.channel} {self.enabled}"


class ChatRobot(models.Model):
    """A group chat robot's webhook (WeCom 企业微信, DingTalk 钉钉, Feishu 飞书) for a team or
    a branch: it receives the group's deadline reminders and weekly digest."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom")
        DINGTALK = "dingtalk", _("DingTalk")
        FEISHU = "feishu", _("Feishu")

    name = models.CharField(_("name"), max_length=100)
    team = models.ForeignKey(
        "org.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    branch = models.ForeignKey(
        "org.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    platform = models.CharField(_("platform"), max_length=8, choices=Platform.choices)
    url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk's (and Feishu's) signing secret, if the robot has one."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group chat robot")
        verbose_name_plural = _("group chat robots")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "branch", "platform"], name="chat_robot_one_per_platform"
            ),
            models.CheckConstraint(
                condition=models.Q(team__isnull=False, branch__isnull=True)
                | models.Q(team__isnull=True, branch__isnull=False),
                name="chat_robot_team_or_branch",
                violation_error_message=_("A robot belongs to a team or to a branch."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RobotMessage(models.Model):
    """One message to one robot, recorded before it is sent, once per event key."""

    robot = models.ForeignKey(
        ChatRobot, on_delete=models.CASCADE, related_name="messages", verbose_name=_("robot")
    )
    key = models.CharField(_("event key"), max_length=200)
    text = models.TextField(_("message text"))
    created_at = models.DateTimeField(_("created at"))
    state = models.CharField(
        _("state"), max_length=8, choices=Delivery.State.choices, default=Delivery.State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["robot", "key"], name="robot_message_once"),
        ]

    def __str__(self) -> str:
        return f"{self.robot} {self.key}"
