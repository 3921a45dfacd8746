"""Keep the zh-Hans catalogues complete. Each app has its own `locale/`, so people working on
different apps never edit the same .po file.

    python scripts/i18n.py extract [APP...]   # makemessages --no-wrap (every app, or those named)
    python scripts/i18n.py missing            # list gaps and conflicting translations; exit 1
    python scripts/i18n.py fill FILE.json [APP...]
        # {"msgid": "译文"} into the empty entries of the named apps' catalogues (default: the
        # app the file is named after, scripts/translations/<app>.json); never overwrites
    python scripts/i18n.py compile [APP...]   # compilemessages
"""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "salespath"
ENTRY = re.compile(
    r'(?P<head>(?:#[^\n]*\n)*)(?:msgctxt "(?P<ctx>(?:[^"\\]|\\.)*)"\n)?'
    r'msgid "(?P<id>(?:[^"\\]|\\.)*)"\n'
    r'(?:msgid_plural "(?P<plural>(?:[^"\\]|\\.)*)"\n)?'
    r'(?P<strs>(?:msgstr(?:\[\d\])? "(?:[^"\\]|\\.)*"\n)+)'
)


def catalogue_dirs(names: list[str] | None = None) -> list[Path]:
    dirs = [p.parent for p in PACKAGE.glob("*/apps.py")]
    if names:
        dirs = [d for d in dirs if d.name in names]
    return sorted(dirs)


def catalogues(names: list[str] | None = None) -> list[Path]:
    found = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))
    if names:
        found = [po for po in found if po.parents[3].name in names]
    return found


def extract(names: list[str]) -> None:
    for app in catalogue_dirs(names):
        (app / "locale").mkdir(exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "--no-wrap",
                "-l",
                "zh_Hans",
                "--no-obsolete",
            ],
            cwd=app,
            check=True,
            env={"DJANGO_SETTINGS_MODULE": "", "PATH": "/usr/bin:/bin"},
        )


def entries(text: str):
    for match in ENTRY.finditer(text):
        if match.group("id") == "":
            continue
        yield match


def _is_empty(match: re.Match) -> bool:
    fuzzy = "#, fuzzy" in match.group("head")
    return fuzzy or bool(re.search(r'msgstr(?:\[0\])? ""\n', match.group("strs")))


def missing() -> int:
    """Untranslated entries, and msgids translated differently in two catalogues (Django
    keeps only one of them at run time, so the other app would show the wrong words)."""
    gaps = 0
    seen: dict[tuple[str, str], tuple[str, Path]] = {}
    for po in catalogues():
        text = po.read_text(encoding="utf-8")
        # makemessages marks a new catalogue's header fuzzy; msgfmt then ignores its charset
        header = ENTRY.search(text)
        if header and header.group("id") == "" and "#, fuzzy" in header.group("head"):
            gaps += 1
            print(f"{po.relative_to(ROOT)}: the header is marked fuzzy")
        for match in entries(text):
            if _is_empty(match):
                gaps += 1
                print(f"{po.relative_to(ROOT)}: untranslated: {match.group('id')}")
                continue
            key = (match.group("ctx") or "", match.group("id"))
            translation = match.group("strs")
            if key in seen and seen[key][0] != translation:
                gaps += 1
                other = seen[key][1].relative_to(ROOT)
                print(f"{po.relative_to(ROOT)}: translated differently in {other}: {key[1]}")
            seen.setdefault(key, (translation, po))
    return gaps


def fill(mapping_file: str, names: list[str]) -> None:
    mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
    names = names or [Path(mapping_file).stem]
    targets = catalogues(names)
    if not targets:
        sys.exit(f"no catalogue for {names}; name the apps to fill")
    for po in targets:
        text = po.read_text(encoding="utf-8")

        def replace(match: re.Match) -> str:
            msgid = json.loads(f'"{match.group("id")}"')
            if msgid not in mapping or not _is_empty(match):
                return match.group(0)
            head = match.group("head").replace("#, fuzzy\n", "").replace(", fuzzy", "")
            value = json.dumps(mapping[msgid], ensure_ascii=False)[1:-1]
            start = f'msgctxt "{match.group("ctx")}"\n' if match.group("ctx") is not None else ""
            start += f'msgid "{match.group("id")}"\n'
            if match.group("plural") is not None:
                start += f'msgid_plural "{match.group("plural")}"\n'
                return f'{head}{start}msgstr[0] "{value}"\n'
            return f'{head}{start}msgstr "{value}"\n'

        po.write_text(ENTRY.sub(replace, text), encoding="utf-8")


def compile_all(names: list[str]) -> None:
    for app in catalogue_dirs(names):
        if (app / "locale").exists():
            subprocess.run(
                [sys.executable, "-m", "django", "compilemessages"],
                cwd=app,
                check=True,
                env={"PATH": "/usr/bin:/bin"},
            )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if command == "extract":
        extract(sys.argv[2:])
    elif command == "fill":
        fill(sys.argv[2], sys.argv[3:])
    elif command == "compile":
        compile_all(sys.argv[2:])
    else:
        sys.exit(1 if missing() else 0)
