"""The benchmark report as a terminal table and as a section of BENCHMARKS.md."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from .bench import Report


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def _verdict(met: bool | None) -> str:
    if met is None:
        return ""
    return _("met") if met else _("missed")


def table_lines(report: Report) -> list[str]:
    head = [
        _("Measurement"),
        _("target ms"),
        _("median ms"),
        _("p95 ms"),
        _("at reference CPU ms"),
        _("runs"),
        _("queries"),
        "",
    ]
    rows = [head]
    for m in report.results:
        label = m.label
        if m.note:
            label += f" ({_(m.note)})"
        if m.key == "floor" and report.floor_ratio is not None:
            label += " " + _("(forecast ÷ floor = %(ratio)s)") % {"ratio": report.floor_ratio}
        if m.wire_bytes is not None:
            label += " " + _("(%(mb)s MB on the wire, target %(target)s MB)") % {
                "mb": f"{m.wire_bytes / 1e6:.2f}",
                "target": f"{m.wire_target_bytes / 1e6:.1f}",
            }
        if m.skipped:
            label += " " + _("(skipped: %(reason)s)") % {"reason": m.skipped}
        rows.append(
            [
                label,
                _ms(m.target_ms) if m.target_ms is not None else "—",
                _ms(m.median_ms),
                _ms(m.p95_ms),
                _ms(m.normalized_ms),
                str(len(m.runs_ms)),
                str(m.queries),
                _verdict(m.met),
            ]
        )
    return rows


def summary_line(report: Report) -> str:
    c, mc = report.counts, report.machine
    return _(
        "%(engine)s, scale %(scale)s (%(opportunities)s opportunities, %(changes)s stage "
        "changes, %(activities)s activities), as of %(as_of)s; %(cpus)s CPUs %(cpu)s, "
        "%(memory)s GiB, load average %(load)s; peak memory %(peak)s MiB; %(date)s"
    ) % {
        "engine": report.engine,
        "scale": report.scale,
        "opportunities": f"{c['opportunities']:,}",
        "changes": f"{c['stage_changes']:,}",
        "activities": f"{c['activities']:,}",
        "as_of": report.as_of,
        "cpus": mc["cpus"],
        "cpu": mc["cpu_model"],
        "memory": mc["memory_gib"],
        "load": " ".join(str(x) for x in mc["load_average"]),
        "peak": report.peak_memory_mib,
        "date": report.date,
    }


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def terminal(report: Report) -> str:
    rows = table_lines(report)
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [summary_line(report), ""]
    for n, row in enumerate(rows):
        numbers = zip(row[1:], widths[1:], strict=True)
        cells = [_pad(row[0], widths[0])] + [_pad(c, w, right=True) for c, w in numbers]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_section(report: Report) -> str:
    rows = table_lines(report)
    lines = [
        _section_start(report),
        f"### {_engine_name(report)} · {report.scale}",
        "",
        summary_line(report),
        "",
        "| " + " | ".join(rows[0][:-1] + [_("target")]) + " |",
        "|" + "---|" + "---:|" * (len(rows[0]) - 2) + "---|",
    ]
    for row in rows[1:]:
        lines.append("| " + " | ".join(row) + " |")
    lines.append(_section_end(report))
    return "\n".join(lines)


def _engine_name(report: Report) -> str:
    return re.sub(r" [0-9.]+", "", report.engine)


def _key(report: Report) -> str:
    """`postgresql-L`, `postgresql-jit-off-L`, `sqlite-M`: the engine without its version."""
    words = [w for w in re.split(r"[^a-z]+", report.engine.lower()) if w]
    return f"{'-'.join(words)}-{report.scale}"


def _section_start(report: Report) -> str:
    return f"<!-- bench:{_key(report)} -->"


def _section_end(report: Report) -> str:
    return f"<!-- /bench:{_key(report)} -->"


def write_markdown(report: Report, path: Path) -> None:
    """Replace this engine and scale's section of `path`, or append it. The file is for
    developers and is kept in English, whatever the language of the terminal."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    with translation.override("en"):
        section = markdown_section(report)
    pattern = re.compile(
        re.escape(_section_start(report)) + r".*?" + re.escape(_section_end(report)), re.S
    )
    found = pattern.search(text)
    if found:
        # the run before stays, folded, for comparison (one level: its own previous goes)
        previous = re.sub(r"\n<details>.*?</details>", "", found.group(0), flags=re.S)
        previous = previous.removeprefix(_section_start(report)).removesuffix(_section_end(report))
        folded = (
            "\n<details><summary>Previous run</summary>\n"
            + previous.rstrip("\n")
            + "\n\n</details>\n"
        )
        section = section.removesuffix(_section_end(report)) + folded + _section_end(report)
        text = pattern.sub(lambda _match: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
