"""Column mappings for files exported from other systems, so they import without editing.

A mapping (YAML or JSON) names, per source sheet (a csv file's name without `.csv`):

    sheets:
      sales_pipeline:
        kind: opportunities               # which of our sheets it is
        columns:                          # source column → our field (or several fields)
          opportunity_id: external_id
          deal_stage: stage
        values:                           # per source column: source value → our value, or
          deal_stage:                     # several fields at once
            Won: {stage: S7, status: won, completed: "{close_date}"}
        constants: {forecast_category: pipeline}   # fields every row gets
        defaults: {created: "2017-12-31"}          # fields a row gets where it has none
        date_formats: ["%m/%d/%Y"]        # tried before the formats we always read
        create_missing: [customer, product]  # create referenced records the file names

`"{source column}"` inside a value, constant or default is replaced by that column of the row;
`"{source column|text}"` by `text` where that column is blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from salespath.errors import DomainError

from .kinds import KINDS_BY_NAME, Kind, key, recognise_columns
from .readers import Sheet
from .values import is_blank, text

SHIPPED = Path(__file__).resolve().parent / "mappings"
CREATABLE = {"customer", "product", "competitor"}
_PLACEHOLDER = re.compile(r"\{([^{}|]+)(?:\|([^{}]*))?\}")


class MappingError(DomainError):
    code = "mapping_invalid"


@dataclass
class Record:
    """One row in our own terms: field → value, and field → the column to name in a message."""

    number: int
    values: dict[str, object]
    columns: dict[str, str]

    def has(self, name: str) -> bool:
        return not is_blank(self.values.get(name))

    def column(self, name: str, fallback: str) -> str:
        return self.columns.get(name, fallback)


@dataclass
class SheetRecords:
    sheet: str
    records: list[Record]
    date_formats: tuple[str, ...] = ()
    create_missing: frozenset[str] = frozenset()
    present: set[str] = field(default_factory=set)


@dataclass
class SheetMapping:
    kind: Kind
    columns: dict[str, list[str]]
    values: dict[str, dict[str, object]]
    constants: dict[str, object]
    defaults: dict[str, object]
    date_formats: tuple[str, ...]
    create_missing: frozenset[str]


@dataclass
class Mapping:
    name: str
    sheets: dict[str, SheetMapping] = field(default_factory=dict)

    def for_sheet(self, sheet_name: str) -> SheetMapping | None:
        wanted = key(sheet_name)
        for name, sheet_mapping in self.sheets.items():
            if key(name) == wanted:
                return sheet_mapping
        return None


def load_mapping(name_or_path: str) -> Mapping:
    """A mapping file by path, or by the name of one shipped in `salespath/imports/mappings/`."""
    path = Path(name_or_path)
    if not path.exists():
        shipped = SHIPPED / f"{name_or_path}.yaml"
        if not shipped.exists():
            raise MappingError(_("No mapping file “%(name)s”.") % {"name": name_or_path})
        path = shipped
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise MappingError(
            _("The mapping file “%(name)s” cannot be read: %(reason)s")
            % {"name": path.name, "reason": error}
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("sheets"), dict):
        raise MappingError(
            _("The mapping file “%(name)s” needs a “sheets:” section.") % {"name": path.name}
        )
    mapping = Mapping(name=str(data.get("name") or path.stem))
    for sheet_name, spec in data["sheets"].items():
        mapping.sheets[str(sheet_name)] = _sheet_mapping(path.name, str(sheet_name), spec or {})
    return mapping


def _sheet_mapping(file_name: str, sheet_name: str, spec: dict) -> SheetMapping:
    def fail(message: str) -> MappingError:
        return MappingError(
            _("Mapping “%(file)s”, sheet “%(sheet)s”: %(message)s")
            % {"file": file_name, "sheet": sheet_name, "message": message}
        )

    kind = KINDS_BY_NAME.get(str(spec.get("kind", "")))
    if kind is None:
        raise fail(_("“kind” must be one of: %(kinds)s.") % {"kinds": ", ".join(KINDS_BY_NAME)})
    known = {f.field for f in kind.fields}

    def check(names) -> None:
        for name in names:
            if name not in known:
                raise fail(_("“%(field)s” is not a column of this kind.") % {"field": name})

    columns: dict[str, list[str]] = {}
    for source, target in (spec.get("columns") or {}).items():
        targets = [str(t) for t in (target if isinstance(target, list) else [target])]
        check(targets)
        columns[str(source)] = targets
    values: dict[str, dict[str, object]] = {}
    for source, table in (spec.get("values") or {}).items():
        values[str(source)] = {}
        for from_value, to_value in (table or {}).items():
            if isinstance(to_value, dict):
                check(to_value)
            values[str(source)][key(from_value)] = to_value
    constants = dict(spec.get("constants") or {})
    defaults = dict(spec.get("defaults") or {})
    check(constants)
    check(defaults)
    create_missing = frozenset(str(n) for n in spec.get("create_missing") or [])
    if create_missing - CREATABLE:
        raise fail(
            _("“create_missing” may name: %(names)s.") % {"names": ", ".join(sorted(CREATABLE))}
        )
    return SheetMapping(
        kind=kind,
        columns=columns,
        values=values,
        constants=constants,
        defaults=defaults,
        date_formats=tuple(str(f) for f in spec.get("date_formats") or []),
        create_missing=create_missing,
    )


def records_from_sheet(kind: Kind, sheet: Sheet) -> tuple[list[Record], dict[str, int]]:
    """A sheet in our own format: its recognised columns, one record per row."""
    found = recognise_columns(kind, sheet)
    labels = {name: sheet.columns[index].label for name, index in found.items()}
    records = []
    for number, cells in sheet.rows:
        values = {
            name: cells[index] if index < len(cells) else None for name, index in found.items()
        }
        records.append(Record(number=number, values=values, columns=labels))
    return records, found


def mapped_records(
    sheet_mapping: SheetMapping, sheet: Sheet
) -> tuple[list[Record], set[str], list[str]]:
    """Rows of a foreign sheet in our terms; also the fields present and the source columns
    the mapping names that the sheet lacks."""
    index_of = {key(column.label): i for i, column in enumerate(sheet.columns)}
    label_of = {key(column.label): column.label for column in sheet.columns}
    missing = [s for s in sheet_mapping.columns if key(s) not in index_of]
    templates = [
        *sheet_mapping.constants.values(),
        *sheet_mapping.defaults.values(),
        *(
            v
            for table in sheet_mapping.values.values()
            for to in table.values()
            for v in (to.values() if isinstance(to, dict) else [to])
        ),
    ]
    for template in templates:
        for placeholder, _fallback in _PLACEHOLDER.findall(str(template)):
            if key(placeholder) not in index_of and placeholder not in missing:
                missing.append(placeholder)
    present: set[str] = set(sheet_mapping.constants) | set(sheet_mapping.defaults)
    for source, targets in sheet_mapping.columns.items():
        if key(source) in index_of:
            present.update(targets)
            for to in sheet_mapping.values.get(source, {}).values():
                if isinstance(to, dict):
                    present.update(to)
    records = []
    if missing:
        return records, present, missing
    for number, cells in sheet.rows:
        source = {
            label: (cells[i] if i < len(cells) else None)
            for k, i in index_of.items()
            for label in [label_of[k]]
        }
        source_text = {k: text(source[label_of[k]]) for k in index_of}
        values: dict[str, object] = {}
        columns: dict[str, str] = {}
        for name, constant in sheet_mapping.constants.items():
            values[name] = _fill(constant, source_text)
            columns[name] = name
        for source_column, targets in sheet_mapping.columns.items():
            label = label_of[key(source_column)]
            value = source[label]
            table = sheet_mapping.values.get(source_column)
            mapped = table.get(key(value)) if table and not is_blank(value) else None
            if isinstance(mapped, dict):
                for name, to in mapped.items():
                    values[name] = _fill(to, source_text)
                    columns[name] = label
                continue
            if mapped is not None:
                value = _fill(mapped, source_text)
            for name in targets:
                values[name] = value
                columns[name] = label
        for name, default in sheet_mapping.defaults.items():
            if is_blank(values.get(name)):
                values[name] = _fill(default, source_text)
                columns.setdefault(name, name)
        records.append(Record(number=number, values=values, columns=columns))
    return records, present, missing


def _fill(template: object, by_key: dict[str, str]) -> object:
    """`template` with its placeholders filled from the row (by normalised column name)."""
    if not isinstance(template, str) or "{" not in template:
        return template
    return _PLACEHOLDER.sub(lambda m: by_key.get(key(m.group(1))) or (m.group(2) or ""), template)
