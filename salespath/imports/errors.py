"""What an import reports: every problem by sheet, row and column, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from salespath.errors import DomainError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file. `row` is the spreadsheet's own row number (the header is
    row 1), so a user finds it in Excel; 0 means the sheet as a whole."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row and self.column:
            return _("%(sheet)s, row %(row)s, column “%(column)s”: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("%(sheet)s, row %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        if self.column:
            return _("%(sheet)s, column “%(column)s”: %(message)s") % {
                "sheet": self.sheet,
                "column": self.column,
                "message": self.message,
            }
        if self.sheet:
            return f"{self.sheet}: {self.message}"
        return self.message


class ImportRejected(DomainError):
    """The file has problems; nothing was written. `problems` lists every one."""

    code = "import_rejected"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(
            _("The file has %(count)s problem(s); nothing was imported.")
            % {"count": len(problems)},
            fields={"problems": [str(p) for p in problems]},
        )


class UnreadableFile(DomainError):
    """The file cannot be opened at all (format, encryption, size)."""

    code = "unreadable_file"
