"""Blank import templates: the headers of each kind and one example row."""

from __future__ import annotations

from pathlib import Path

from .exporters import Table, write_csv, write_xlsx
from .kinds import KINDS, KINDS_BY_NAME


def template_tables(kind_name: str) -> list[Table]:
    kinds = KINDS if kind_name == "all" else (KINDS_BY_NAME[kind_name],)
    return [Table(kind, [[f.example for f in kind.fields]]) for kind in kinds]


def write_template(kind_name: str, path: Path) -> list[Path]:
    tables = template_tables(kind_name)
    if path.suffix.lower() == ".csv":
        return write_csv(tables, path)
    return write_xlsx(tables, path)
