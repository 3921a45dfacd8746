from django import forms
from django.contrib import admin

from .kinds import KINDS
from .models import (
    ChatRobot,
    Delivery,
    JobRun,
    Notification,
    Preference,
    Recipient,
    RobotMessage,
)


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ["channel", "state", "attempts", "last_error", "next_attempt_at", "sent_at"]
    can_delete = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "key", "recipient__username"]
    readonly_fields = ["recipient", "kind", "key", "title", "body", "link", "created_at"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state", "channel"]
    readonly_fields = ["notification", "channel", "attempts", "last_error", "sent_at"]


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["job", "due", "started_at", "finished_at", "notified"]
    list_filter = ["job"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    list_filter = ["kind", "channel", "enabled"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                choices=[(k.code, k.label) for k in KINDS.values()],
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ChatRobot)
class ChatRobotAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "team", "branch", "active"]
    list_filter = ["platform", "active"]


@admin.register(RobotMessage)
class RobotMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "robot", "key", "state", "attempts", "next_attempt_at"]
    list_filter = ["state", "robot__platform"]
    readonly_fields = ["robot", "key", "text", "created_at", "attempts", "last_error", "sent_at"]
