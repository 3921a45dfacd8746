"""What validation knows while it reads a file: the records already in the database, those the
file itself introduces, and every problem found so far.

A `Ref` stands for one record a row refers to. Records that exist carry their primary key from
the start; records the file creates get theirs when the writer has inserted them, so a later
sheet's rows can point at an earlier sheet's new rows without a lookup per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salespath.localize import join_list
from salespath.org import columns
from salespath.plaintext.rules import MULTILINE_FIELD_NAMES, control_character, refusal

from .errors import Problem
from .kinds import Kind
from .mapping import Record
from .values import (
    is_blank,
    normalise,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
    parse_percent,
    text,
)

# The messages of bad cells, made once: a large import reads hundreds of thousands of cells.
NOT_A_DATE = gettext_lazy(
    "“%(value)s” is not a date (write 2026-06-30, 2026/6/30 or 2026年6月30日)."
)
NOT_AN_AMOUNT = gettext_lazy("“%(value)s” is not an amount (write 1,200,000, ¥1200000 or 120万).")
NOT_A_NUMBER = gettext_lazy("“%(value)s” is not a whole number.")
NOT_A_PERCENTAGE = gettext_lazy("“%(value)s” is not a percentage from 0 to 100.")
NOT_YES_OR_NO = gettext_lazy("“%(value)s” is not yes or no (是/否).")

SP_PREFIX = "SP-"  # how an export names a record that has no external id: SP-<primary key>
SP_KEY = SP_PREFIX.casefold()


class Ref:
    __slots__ = ("pk", "name", "data")

    def __init__(self, pk: int | None = None, name: str = "", data: dict | None = None) -> None:
        self.pk = pk
        self.name = name
        self.data = data if data is not None else {}

    @property
    def is_new(self) -> bool:
        return self.pk is None and not self.data.get("written")

    def __repr__(self) -> str:
        return f"Ref({self.pk}, {self.name!r})"


AMBIGUOUS = Ref(name="<ambiguous>")


class Registry:
    """Lookup of records by a key (external id, username, code) and then by name.

    A registry may be loaded for some values only (`scope`: the normalised values a file
    names, `add_records`): it then holds every record one of them finds, and is never asked
    for another value (a `LookupError`: the caller forgot to name that column)."""

    def __init__(self, scope: set[str] | None = None) -> None:
        self.keys: dict[str, Ref] = {}
        self.names: dict[str, Ref] = {}
        self.scope = scope

    def add(self, ref: Ref, keys=(), names=()) -> Ref:
        for table, values in ((self.keys, keys), (self.names, names)):
            for value in values:
                if is_blank(value):
                    continue
                k = normalise(value)
                current = table.get(k)
                table[k] = ref if current is None or current is ref else AMBIGUOUS
        return ref

    def add_records(self, rows: Iterable[tuple[int, str, str | None]]) -> None:
        """`add` for many existing records at once: (pk, name, external id) rows, each found by
        its external id, its export's SP-<pk> and its name. The same keys and the same
        ambiguities as `add`, in one loop. With a `scope`, only the records one of its values
        finds are kept."""
        keys, names, scope = self.keys, self.names, self.scope
        for pk, name, external_id in rows:
            # `normalise`, inlined: a file is checked against every customer
            name_key = " ".join(name.split()).casefold()
            id_key = " ".join(external_id.split()).casefold() if external_id else ""
            export_key = f"{SP_KEY}{pk}"
            if scope is not None and not (
                name_key in scope or id_key in scope or export_key in scope
            ):
                continue
            ref = Ref(pk, name)
            for table, k in ((keys, id_key), (keys, export_key), (names, name_key)):
                if k:
                    current = table.get(k)
                    table[k] = ref if current is None or current is ref else AMBIGUOUS

    def find(self, value: object) -> Ref | None:
        k = self._key(value)
        return self.keys.get(k) or self.names.get(k)

    def by_key(self, value: object) -> Ref | None:
        return self.keys.get(self._key(value))

    def _key(self, value: object) -> str:
        k = normalise(value)
        scoped = self.scope is not None and k not in self.scope
        if scoped and k not in self.keys and k not in self.names:
            raise LookupError(f"{k!r} is not among the values this registry was loaded for")
        return k


def sp_pk(value: str) -> int | None:
    """The primary key in an exported `SP-123`, else None."""
    if value.upper().startswith(SP_PREFIX) and value[len(SP_PREFIX) :].isdigit():
        return int(value[len(SP_PREFIX) :])
    return None


class Context:
    def __init__(self, *, by_username: str | None = None) -> None:
        self.problems: list[Problem] = []
        self.by_username = by_username

    def problem(self, sheet: str, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(sheet=sheet, row=row, column=column, message=str(message)))


class Row:
    """One record being validated: typed reads of its cells that note a problem on bad input."""

    def __init__(
        self,
        context: Context,
        sheet: str,
        kind: Kind,
        record: Record,
        date_formats: tuple[str, ...] = (),
    ):
        self.context = context
        self.sheet = sheet
        self.kind = kind
        self.record = record
        self.number = record.number
        self.date_formats = date_formats
        self.ok = True

    def column(self, name: str) -> str:
        fallback = (
            self.kind.field(name).zh if any(f.field == name for f in self.kind.fields) else name
        )
        return self.record.column(name, fallback)

    def problem(self, name: str, message: str) -> None:
        self.ok = False
        self.context.problem(self.sheet, self.number, self.column(name) if name else "", message)

    def present(self, name: str) -> bool:
        return name in self.record.values

    def blank(self, name: str) -> bool:
        return is_blank(self.record.values.get(name))

    def raw(self, name: str) -> object:
        return self.record.values.get(name)

    def text(self, name: str, required: bool = False) -> str:
        value = text(self.record.values.get(name))
        if required and not value:
            self.problem(name, _("This column must not be empty."))
        found = control_character(value, multiline=name in MULTILINE_FIELD_NAMES)
        if found:
            self.problem(name, refusal(found))
        return value

    def _parse(self, name: str, parse, message: str, required: bool = False):
        value = self.record.values.get(name)
        if is_blank(value):
            if required:
                self.problem(name, _("This column must not be empty."))
            return None
        try:
            return parse(value)
        except (ValueError, OverflowError):
            self.problem(name, message % {"value": text(value)})
            return None

    def date(self, name: str, required: bool = False) -> date | None:
        return self._parse(name, self._parse_date, NOT_A_DATE, required)

    def _parse_date(self, value: object) -> date:
        return parse_date(value, self.date_formats)

    def amount(self, name: str, required: bool = False) -> Decimal | None:
        amount = self._parse(name, parse_amount, NOT_AN_AMOUNT, required)
        if amount is None:
            return None
        return self.fitting(name, amount, _("The amount"))

    def fitting(self, name: str, amount: Decimal, label) -> Decimal | None:
        """`amount` if a money column holds it; else a problem on this row and None."""
        if columns.fits(amount, columns.MONEY):
            return amount
        self.problem(name, columns.too_large_message(label, columns.MONEY))
        return None

    def integer(self, name: str, required: bool = False) -> int | None:
        return self._parse(name, parse_int, NOT_A_NUMBER, required)

    def percent(self, name: str) -> int | None:
        return self._parse(name, parse_percent, NOT_A_PERCENTAGE)

    def boolean(self, name: str) -> bool | None:
        return self._parse(name, parse_bool, NOT_YES_OR_NO)

    def choice(
        self, name: str, table: dict[str, str], required: bool = False, allowed: str = ""
    ) -> str | None:
        """A code from `table` (normalised spelling → code), naming the allowed values if not."""
        value = self.record.values.get(name)
        if is_blank(value):
            if required:
                self.problem(name, _("This column must not be empty."))
            return None
        code = table.get(normalise(value))
        if code is None:
            if not allowed:
                language = translation.get_language() or "zh-hans"
                codes = dict.fromkeys(table.values())
                labels = codes if language.startswith("en") else _labels(table, codes)
                allowed = join_list(labels)
            self.problem(
                name,
                _("“%(value)s” is not one of: %(allowed)s.")
                % {"value": text(value), "allowed": allowed},
            )
        return code

    def ref(
        self,
        name: str,
        registry: Registry,
        message: str,
        required: bool = False,
    ) -> Ref | None:
        value = self.record.values.get(name)
        if is_blank(value):
            if required:
                self.problem(name, _("This column must not be empty."))
            return None
        found = registry.find(value)
        if found is AMBIGUOUS:
            self.problem(
                name,
                _("“%(value)s” names more than one record; use the external id or code.")
                % {"value": text(value)},
            )
            return None
        if found is None:
            self.problem(name, message % {"value": text(value)})
        return found


def _labels(table: dict[str, str], codes) -> list[str]:
    """The first Chinese spelling of each code, in the order of the choices."""
    first: dict[str, str] = {}
    for spelling, code in table.items():
        if not spelling.isascii():
            first.setdefault(code, spelling)
    return [first.get(code, code) for code in codes]


def choices_table(choices, *extra: tuple[str, str]) -> dict[str, str]:
    """Spellings → code for a TextChoices: the code, its English and its Chinese label."""
    table: dict[str, str] = {}
    for code, label in choices:
        table[normalise(code)] = code
        for language in ("en", "zh-hans"):
            with translation.override(language):
                table[normalise(str(label))] = code
    for spelling, code in extra:
        table[normalise(spelling)] = code
    return table
