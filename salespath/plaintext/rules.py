"""The plain-text rule and where it is enforced (see the package's docstring)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

from salespath.errors import DomainError

# C0 controls and DEL; a multi-line text keeps tab, newline and carriage return (browsers
# send a textarea's lines as CR LF).
SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f]")
MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(value: str, *, multiline: bool) -> str | None:
    """The first control character `value` may not hold, or None."""
    found = (MULTI_LINE if multiline else SINGLE_LINE).search(value)
    return found.group() if found else None


def refusal(character: str) -> str:
    return _("It contains a control character (U+%(code)04X); only plain text is allowed.") % {
        "code": ord(character)
    }


def field_refusal(label: str, character: str) -> str:
    return _(
        "“%(field)s” contains a control character (U+%(code)04X); only plain text is allowed."
    ) % {"field": label, "code": ord(character)}


class ControlCharacter(DomainError):
    code = "invalid"


def _validator(multiline: bool) -> Callable[[object], None]:
    def no_control_characters(value: object) -> None:
        if isinstance(value, str):
            found = control_character(value, multiline=multiline)
            if found:
                raise ValidationError(refusal(found), code="control_character")

    return no_control_characters


def _text_fields(model) -> list[tuple[models.Field, bool]]:
    return [
        (field, isinstance(field, models.TextField))
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


MULTILINE_FIELD_NAMES: set[str] = set()
_TEXT_FIELDS: dict[type, list[tuple[models.Field, bool]]] = {}


def check_instance(instance, update_fields=None) -> None:
    """Refuse to save `instance` while one of its texts holds a control character."""
    for field, multiline in _TEXT_FIELDS.get(type(instance), ()):
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            found = control_character(value, multiline=multiline)
            if found:
                message = field_refusal(str(field.verbose_name), found)
                raise ControlCharacter(message, fields={field.name: [message]})


def _before_save(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    if not raw:  # fixtures load as they were dumped
        check_instance(instance, update_fields)


def install() -> None:
    """Add the rule to every text field of every Salespath model, and the save check."""
    single, multi = _validator(False), _validator(True)
    for model in apps.get_models():
        if not model.__module__.startswith("salespath."):
            continue
        fields = _text_fields(model)
        if not fields:
            continue
        _TEXT_FIELDS[model] = fields
        for field, multiline in fields:
            if multiline:
                MULTILINE_FIELD_NAMES.add(field.name)
            if single in field.validators or multi in field.validators:
                continue  # a parent's field, seen from a child model
            # Not in `_validators`: the rule is code, not schema, and needs no migration.
            field.__dict__["validators"] = [*field.validators, multi if multiline else single]
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"plaintext:{model._meta.label}")
