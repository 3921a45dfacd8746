"""The import page: upload spreadsheets, see a dry run with every problem listed (by sheet,
row and column) or the exact counts, then confirm. Calls `salespath.imports.services`.

Who may import: an administrator. An import can create branches, teams, people and anyone's
opportunities, so it is the administrator's tool as the `salespath import` command is.

The uploaded files wait between the dry run and the confirmation under
`VAR_DIR/imports/<token>/`, the token kept in the uploader's session only; confirming imports
exactly the files that were checked, then removes them.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salespath.errors import DomainError
from salespath.imports.errors import ImportRejected, Problem
from salespath.imports.kinds import KINDS, KINDS_BY_NAME
from salespath.imports.mapping import SHIPPED, load_mapping
from salespath.imports.readers import max_bytes
from salespath.imports.services import import_files
from salespath.org.models import Role

from .base import page

SESSION_KEY = "web_import"
SUFFIXES = (".xlsx", ".csv")


def _may_import(user) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


def _uploads() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def _mappings() -> list[str]:
    return sorted(path.stem for path in SHIPPED.glob("*.yaml"))


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.\-]+", "_", Path(name).name).strip("._") or "upload"
    return stem[:120]


def _counts(result) -> list[dict]:
    return [
        {"kind": str(KINDS_BY_NAME[kind].label) if kind in KINDS_BY_NAME else kind, **counts}
        for kind, counts in sorted(result.by_kind().items())
    ]


def _run(token: str, mapping: str, kind: str, *, dry_run: bool, by):
    folder = _uploads() / token
    paths = sorted(folder.iterdir()) if folder.is_dir() else []
    return import_files(
        paths=paths,
        mapping=load_mapping(mapping) if mapping else None,
        dry_run=dry_run,
        by=by,
        kind=KINDS_BY_NAME.get(kind),
    )


@page
def import_page(request: HttpRequest) -> HttpResponse:
    if not _may_import(request.user):
        raise PermissionDenied(_("Only an administrator imports spreadsheets."))
    context = {
        "mappings": _mappings(),
        "kinds": [(kind.name, str(kind.label)) for kind in KINDS],
        "limit_mb": f"{max_bytes() / 1024 / 1024:.0f}",
        "problems": [],
        "counts": None,
        "error": None,
    }
    if request.method != "POST":
        return render(request, "web/imports/page.html", context)
    if request.POST.get("step") == "confirm":
        return _confirm(request, context)
    return _check(request, context)


def _check(request: HttpRequest, context: dict) -> HttpResponse:
    files = request.FILES.getlist("files")
    mapping = request.POST.get("mapping", "")
    if mapping and mapping not in context["mappings"]:
        mapping = ""
    context["mapping"] = mapping
    kind = request.POST.get("kind", "")  # what the importer says the files hold, if anything
    context["kind"] = kind = kind if kind in KINDS_BY_NAME else ""
    refused = []
    if not files:
        refused.append(Problem("", 0, "", _("Choose one or more .xlsx or .csv files.")))
    for upload in files:
        if not upload.name.lower().endswith(SUFFIXES):
            refused.append(
                Problem(upload.name, 0, "", _("Only .xlsx and .csv files can be imported."))
            )
        elif upload.size > max_bytes():
            refused.append(
                Problem(
                    upload.name,
                    0,
                    "",
                    _("The file is larger than %(limit)s MB.") % {"limit": context["limit_mb"]},
                )
            )
    if refused:
        context["problems"] = refused
        return render(request, "web/imports/page.html", context, status=422)
    _discard(request)
    token = uuid.uuid4().hex
    folder = _uploads() / token
    folder.mkdir(parents=True)
    for upload in files:
        with (folder / _safe_name(upload.name)).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    context["files"] = [upload.name for upload in files]
    try:
        result = _run(token, mapping, kind, dry_run=True, by=request.user)
    except ImportRejected as rejected:
        shutil.rmtree(folder, ignore_errors=True)
        context["problems"], context["error"] = rejected.problems, rejected.message
        return render(request, "web/imports/page.html", context, status=422)
    except DomainError as error:
        shutil.rmtree(folder, ignore_errors=True)
        context["error"] = error.message
        return render(request, "web/imports/page.html", context, status=422)
    request.session[SESSION_KEY] = {
        "token": token,
        "mapping": mapping,
        "kind": kind,
        "files": context["files"],
    }
    context["counts"] = _counts(result)
    context["changed"] = result.changed
    return render(request, "web/imports/page.html", context)


def _confirm(request: HttpRequest, context: dict) -> HttpResponse:
    pending = request.session.get(SESSION_KEY)
    if not pending or not (_uploads() / pending["token"]).is_dir():
        messages.error(request, _("Nothing to import: upload the files and check them again."))
        return redirect("web:import")
    try:
        result = _run(
            pending["token"],
            pending["mapping"],
            pending.get("kind", ""),
            dry_run=False,
            by=request.user,
        )
    except DomainError as error:
        # The data changed since the dry run: show what is wrong now, import nothing.
        context["problems"] = getattr(error, "problems", [])
        context["error"] = error.message
        _discard(request)
        return render(request, "web/imports/page.html", context, status=422)
    _discard(request)
    counts = ", ".join(
        _("%(kind)s: %(created)s created, %(updated)s updated") % row for row in _counts(result)
    )
    messages.success(request, _("Imported. %(counts)s") % {"counts": counts})
    return redirect("web:import")


def _discard(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        shutil.rmtree(_uploads() / pending["token"], ignore_errors=True)
