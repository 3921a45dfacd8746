"""The commands: templates, import with its exit status and language, export."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from salespath.activities.models import Activity
from salespath.customers.models import Contact, Customer
from salespath.org.models import Quota, User
from salespath.pipeline.models import Opportunity

pytestmark = pytest.mark.django_db


def test_the_blank_template_of_every_kind_imports_as_it_is(tmp_path, capsys):
    path = tmp_path / "all.xlsx"
    call_command("import-template", "all", "-o", str(path))
    workbook = load_workbook(path)
    assert workbook.sheetnames[:2] == ["组织与人员", "定额"]
    assert [c.value for c in workbook["商机"][1]][:5] == [
        "外部编号",
        "项目名称",
        "客户",
        "客户经理",
        "阶段",
    ]
    call_command("import", str(path))
    li = User.objects.get(username="li.ming")
    assert li.team.name == "广州一组" and li.team.branch.name == "广州分公司"
    assert User.objects.get(username="zhao.qiang").has_role("supervisor")
    assert Quota.objects.get(person=li).amount == 1_000_000
    assert Customer.objects.get(external_id="C1001").owner == li
    assert Contact.objects.get().name == "张伟"
    opportunity = Opportunity.objects.get(external_id="P2026-001")
    assert opportunity.amount == 1_200_000 and opportunity.stage_id == "S3"
    assert Activity.objects.get().opportunity == opportunity
    assert "导入完成。" in capsys.readouterr().out


def test_an_english_template_has_english_headers(tmp_path):
    path = tmp_path / "opportunities.csv"
    call_command("import-template", "opportunities", "-o", str(path), "--lang", "en")
    header = path.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("external_id,name,customer,owner,stage,status,expected_close")


def test_a_bad_file_exits_non_zero_listing_every_problem(cast, tmp_path, capsys):
    path = tmp_path / "商机.csv"
    path.write_text(
        "外部编号,项目名称,客户,客户经理,阶段,预计成交日期\n"
        "P1,x,无此客户,li,S3,2026-09-30\nP1,y,无此客户,li,S3,明天\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("import", str(path))
    assert "未导入任何数据" in str(error.value)
    problems = capsys.readouterr().err
    assert "商机.csv，第2行，“客户”：没有客户“无此客户”。" in problems
    assert "商机.csv，第3行，“外部编号”" in problems
    assert Opportunity.objects.count() == 0


def test_import_speaks_english_on_request(cast, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import", str(path), "--lang", "en")
    assert "Cannot tell what this sheet holds" in capsys.readouterr().err


def test_import_as_an_unknown_person_is_refused(cast, tmp_path):
    with pytest.raises(CommandError):
        call_command("import", str(tmp_path / "x.csv"), "--as", "nobody")
