"""The commands: three output formats, the viewer's scope, and bad input refused cleanly."""

import json
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from salespath.forecast.models import ForecastSubmission
from salespath.forecast.services import forecast_submit
from tests.forecast.builders import deal, sign, win


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def data(cast):
    deal(
        cast.salesperson,
        name="广州ERP",
        amount="1250000.00",
        category="commit",
        close=date(2026, 6, 20),
        lines={"erp": "1000000.00", "hr": "250000.00"},
    )
    won = deal(cast.teammate, name="已成交项目", amount="300000.00", stage="S6")
    win(won, date(2026, 5, 10))
    late = deal(cast.other_salesperson, name="逾期项目", amount="80000.00", close=date(2026, 3, 1))
    sign(deal(cast.other_salesperson, name="已签约", amount="5.00"), date(2026, 6, 1))
    return late


def test_forecast_table_has_chinese_headers_subtotals_and_the_overdue_list(data):
    text = run("forecast", "--as-of", "2026-06-30", "--view", "category")
    assert "截止上报时间:2026-06-30" in text
    for header in ("销售人员", "已落单", "本季度保证实现", "本季度有希望实现", "有意向的", "合计"):
        assert header in text
    assert "小计:广州一组" in text
    assert "1,250,000.00 (1)" in text
    assert f"#{data.pk} 逾期项目" in text


def test_forecast_json_is_the_documented_shape(data):
    report = json.loads(
        run("forecast", "--as-of", "2026-06-30", "--view", "time", "--format", "json")
    )
    assert set(report) >= {
        "as_of",
        "view",
        "by",
        "weighted",
        "currency",
        "columns",
        "rows",
        "total",
        "overdue",
    }
    assert report["columns"] == ["closed", "m0_3", "m3_6", "m6_9", "m9_12", "beyond_12"]
    assert report["total"]["values"]["closed"] == "300000.00"
    assert set(report["rows"][0]) == {"key", "label", "level", "values", "counts", "total"}
    assert [(o["opportunity"], o["owner"], o["expected_close"]) for o in report["overdue"]] == [
        (data.pk, "chen", "2026-03-01"),  # the oldest first
        (data.pk - 2, "li", "2026-06-20"),
    ]


def test_forecast_both_views_in_json_is_a_list(data):
    reports = json.loads(
        run(
            "forecast",
            "--as-of",
            "2026-06-30",
            "--view",
            "both",
            "--by",
            "product",
            "--format",
            "json",
        )
    )
    assert [r["view"] for r in reports] == ["time", "category"]
    assert [r["key"] for r in reports[0]["rows"]] == ["erp", "hr", None]


def test_the_viewer_sees_only_their_scope(data, cast):
    text = run("forecast", "--as-of", "2026-06-30", "--as", "zhao", "--format", "json")
    assert {r["key"] for r in json.loads(text)["rows"]} == {"li", "wang", "gz-1"}
    with pytest.raises(CommandError, match="chen"):
        run("forecast", "--as-of", "2026-06-30", "--as", "zhao", "--person", "chen")
    with pytest.raises(CommandError, match="gz-2"):
        run("evaluation", "--as-of", "2026-06-30", "--as", "li", "--team", "gz-2")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forecast", "--as-of", "2026-02-30"], "不是日期"),
        (["forecast", "--as-of", "yesterday"], "不是日期"),
        (["evaluation", "--as-of", "2026-06-30", "--team", "nope"], "没有"),
        (["forecast", "--as-of", "2026-06-30", "--branch", "nope"], "没有"),
        (["forecast", "--as-of", "2026-06-30", "--as", "ghost"], "ghost"),
        (["forecast-accuracy", "--quarter", "2026Q5"], "2026Q5"),
        (["forecast-accuracy", "--quarter", "soon"], "不是财务季度"),
        (["forecast", "--as-of", "2026-06-30", "--format", "xlsx"], "-o"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_no_file(cast, tmp_path, args, message):
    target = tmp_path / "out.xlsx"
    with pytest.raises(CommandError, match=message):
        run(*args, "-o", str(target)) if "-o" not in message else run(*args)
    assert list(tmp_path.iterdir()) == []


def test_json_to_a_file_replaces_it_whole(data, tmp_path):
    target = tmp_path / "forecast.json"
    target.write_text("old")
    run("forecast", "--as-of", "2026-06-30", "--format", "json", "-o", str(target))
    assert json.loads(target.read_text())["as_of"] == "2026-06-30"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forecast.json"]


def test_evaluation_table_marks_the_stage(data):
    text = run("evaluation", "--as-of", "2026-06-30", "--team", "gz-1")
    assert "项目经理(销售负责人)" in text
    line = next(line for line in text.splitlines() if line.startswith("已成交项目"))
    assert "●" in line and "2026-05-10 成交" in line


def test_submit_changes_and_submissions_commands(data, cast):
    out = run("forecast-submit", "--person", "li", "--as-of", "2026-04-03")
    assert "已上报 李明" in out
    assert ForecastSubmission.objects.get().submitted_by == cast.salesperson
    run("forecast-submit", "--person", "wang", "--as-of", "2026-04-03", "--as", "zhao")
    assert ForecastSubmission.objects.get(person=cast.teammate).submitted_by == cast.supervisor
    with pytest.raises(CommandError, match="已于"):
        run("forecast-submit", "--person", "li", "--as-of", "2026-04-03")
    with pytest.raises(CommandError, match="li"):  # wang may not even see li's forecast
        run("forecast-submit", "--person", "li", "--as-of", "2026-04-10", "--as", "wang")
    submissions = json.loads(
        run("forecast-submissions", "--team", "gz-1", "--as-of", "2026-04-03", "--format", "json")
    )
    assert submissions["missing"] == []
    changes = run(
        "forecast-changes", "--person", "wang", "--from", "2026-04-03", "--live-as-of", "2026-06-30"
    )
    assert "已成交项目" in changes and "成交" in changes
    with pytest.raises(CommandError, match="2026-05-01"):
        run("forecast-changes", "--person", "li", "--from", "2026-05-01")


def test_accuracy_command_for_a_team(data, cast):
    forecast_submit(person=cast.salesperson, as_of=date(2026, 4, 3), by=cast.salesperson)
    text = run("forecast-accuracy", "--quarter", "2026Q2", "--team", "gz-1")
    assert "销售预测准确率 2026Q2" in text
    assert "季初保证实现" in text
    report = json.loads(
        run("forecast-accuracy", "--quarter", "2026Q2", "--team", "gz-1", "--format", "json")
    )
    assert report["rows"][0]["start"]["committed"] == "1250000.00"


def test_forecast_workbook_layout(data, tmp_path):
    target = tmp_path / "forecast.xlsx"
    run(
        "forecast", "--as-of", "2026-06-30", "--view", "both", "--format", "xlsx", "-o", str(target)
    )
    book = load_workbook(target)
    assert book.sheetnames == ["金额", "个数", "逾期"]
    sheet = book["金额"]
    assert "截止上报时间:2026-06-30" in sheet["A2"].value
    assert sheet["A3"].value == "销售人员"
    assert sheet["B3"].value == "按时间"
    assert sheet["I3"].value == "按销售预测"  # after 6 time columns and their total
    assert [sheet.cell(4, c).value for c in range(2, 9)] == [
        "已成交",
        "三个月内成交",
        "三到六个月内",
        "六到九个月内",
        "九到十二个月内",
        "十二个月以上",
        "合计",
    ]
    assert "B3:H3" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.freeze_panes == "B5"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    labels = [sheet.cell(r, 1).value for r in range(5, sheet.max_row + 1)]
    assert labels[-1] == "合计"
    assert "小计:广州一组" in labels
    total = sheet.cell(sheet.max_row, 8)
    assert total.value == Decimal("1630005.00")
    assert total.number_format == '"¥"#,##0.00'
    assert total.font.bold


def test_evaluation_workbook_layout(data, tmp_path):
    target = tmp_path / "evaluation.xlsx"
    run("evaluation", "--as-of", "2026-06-30", "--format", "xlsx", "-o", str(target))
    sheet = load_workbook(target).active
    assert [sheet.cell(3, c).value for c in (1, 2, 3, 4, 10)] == [
        "项目名称",
        "项目经理(销售负责人)",
        "提供的产品",
        "销售阶段评估所处阶段(用●标注)",
        "其他(请文字描述)",
    ]
    assert [sheet.cell(4, c).value for c in range(4, 10)] == [
        "发掘潜在客户",
        "确认客户意向",
        "引导客户立项",
        "赢得客户认可",
        "进行商务谈判",
        "完成销售成交",
    ]
    rows = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    assert sheet.cell(rows["广州ERP"], 4).value == "●"  # S2
    assert sheet.cell(rows["已成交项目"], 9).value == "●"  # S7
    assert sheet.cell(rows["广州ERP"], 3).value == "产品erp、产品hr"
    assert sheet.page_setup.orientation == "landscape"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_workbooks(data, tmp_path):
    run(
        "forecast",
        "--as-of",
        "2026-06-30",
        "--view",
        "both",
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "forecast.xlsx"),
    )
    run(
        "evaluation",
        "--as-of",
        "2026-06-30",
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "evaluation.xlsx"),
    )
    for name in ("forecast", "evaluation"):
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{tmp_path}/lo",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
                "--outdir",
                str(tmp_path / "csv"),
                str(tmp_path / f"{name}.xlsx"),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        text = (tmp_path / "csv" / f"{name}.csv").read_text(encoding="utf-8", errors="replace")
        assert ("销售预测" if name == "forecast" else "销售阶段评估表") in text
