"""The kinds of sheet an import understands and their columns, in English and Chinese.

Headers are data, not UI text: a file is recognised by them whatever language its user reads,
so they are plain strings here. `field` is also the English header; `zh` the Chinese one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .readers import Sheet


@dataclass(frozen=True)
class Field:
    field: str
    zh: str
    required: bool = False
    example: object = ""
    aliases: tuple[str, ...] = ()

    def header(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.field

    @property
    def both(self) -> str:
        return f"{self.zh} ({self.field})"


@dataclass(frozen=True)
class Kind:
    name: str
    zh: str
    label: Promise
    fields: tuple[Field, ...]
    aliases: tuple[str, ...] = ()

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.field == name)

    @property
    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]

    def sheet_title(self, language: str) -> str:
        return self.zh if language.startswith("zh") else self.name


F = Field

ORGANISATION = Kind(
    "organisation",
    "组织与人员",
    _("organisation and people"),
    (
        F("username", "用户名", example="li.ming"),
        F("display_name", "姓名", example="李明", aliases=("name", "名字")),
        F("external_id", "外部编号", example="E1001", aliases=("工号",)),
        F("email", "邮箱", example="li.ming@example.com", aliases=("电子邮件",)),
        F("branch", "分公司", example="广州分公司", aliases=("office", "regional office")),
        F("team", "团队", example="广州一组", aliases=("销售团队", "小组")),
        F("roles", "角色", example="客户经理", aliases=("role",)),
        F("supervisor", "销售主管", example="zhao.qiang", aliases=("主管", "manager")),
        F("hire_date", "入职日期", example="2025-01-06", aliases=("hired", "入职")),
        F(
            "quota_start_date",
            "定额开始日期",
            example="2025-04-01",
            aliases=("quota_start", "定额开始"),
        ),
    ),
    aliases=("organization", "people", "users", "组织", "人员"),
)

QUOTAS = Kind(
    "quotas",
    "定额",
    _("quotas"),
    (
        F("person", "人员", required=True, example="li.ming", aliases=("username", "用户名")),
        F("fiscal_year", "财年", required=True, example=2026, aliases=("year", "年度")),
        F("fiscal_quarter", "季度", required=True, example=1, aliases=("quarter", "财季")),
        F("amount", "金额", required=True, example="1,000,000", aliases=("quota", "定额")),
    ),
    aliases=("quota", "销售定额"),
)

PRODUCTS = Kind(
    "products",
    "产品类别",
    _("product categories"),
    (
        F("code", "编码", example="erp", aliases=("产品编码",)),
        F("name", "名称", required=True, example="ERP软件", aliases=("产品名称", "product")),
        F("name_en", "英文名称", example="ERP software"),
        F("sort_order", "排序", example=1),
        F("active", "启用", example="是"),
    ),
    aliases=("product categories", "product_categories", "产品", "catalog"),
)

CUSTOMERS = Kind(
    "customers",
    "客户",
    _("customers"),
    (
        F("external_id", "外部编号", example="C1001", aliases=("客户编号",)),
        F("name", "客户名称", required=True, example="广东某某集团有限公司", aliases=("名称",)),
        F("name_en", "英文名称", example="Guangdong Example Group"),
        F("owner", "客户经理", required=True, example="li.ming", aliases=("负责人",)),
        F("industry", "行业", example="制造业"),
        F("size", "规模", example="大型", aliases=("企业规模",)),
        F("headcount", "人数", example=3000, aliases=("员工人数",)),
        F("created", "创建日期", example="2026-01-05", aliases=("created_on",)),
        F("note", "备注", example=""),
    ),
    aliases=("customer", "accounts"),
)

CONTACTS = Kind(
    "contacts",
    "联系人",
    _("contacts"),
    (
        F("customer", "客户", required=True, example="C1001", aliases=("客户名称",)),
        F("name", "姓名", required=True, example="张伟"),
        F("title", "职务", example="信息中心主任"),
        F("project_role", "项目角色", example="选型小组成员", aliases=("role", "角色")),
        F("phone", "电话", example="020-12345678"),
        F("email", "邮箱", example="zhang.wei@example.com"),
        F("note", "备注", example=""),
    ),
    aliases=("contact", "客户联系人"),
)

OPPORTUNITIES = Kind(
    "opportunities",
    "商机",
    _("opportunities"),
    (
        F("external_id", "外部编号", required=True, example="P2026-001", aliases=("商机编号",)),
        F("name", "项目名称", required=True, example="某某集团ERP项目", aliases=("名称",)),
        F("customer", "客户", required=True, example="C1001", aliases=("客户名称",)),
        F("owner", "客户经理", required=True, example="li.ming", aliases=("负责人",)),
        F("stage", "阶段", required=True, example="S3", aliases=("销售阶段",)),
        F("status", "状态", example="进行中"),
        F("expected_close", "预计成交日期", example="2026-09-30", aliases=("expected close",)),
        F("forecast_category", "预测类别", example="有意向", aliases=("forecast", "预测")),
        F("probability", "赢单率", example="", aliases=("可能性",)),
        F("amount", "金额", example="120万", aliases=("项目金额",)),
        F("product", "产品", example=""),
        F("contract_signed", "签约日期", example="", aliases=("合同签约日期", "signed_on")),
        F("contract_amount", "合同金额", example=""),
        F("completed", "成交日期", example="", aliases=("won_on", "完成日期")),
        F("lost_on", "丢单日期", example=""),
        F("lost_reason", "丢单原因", example=""),
        F("competitor", "竞争对手", example="", aliases=("competitors",)),
        F("created", "创建日期", example="2026-03-02", aliases=("created_on",)),
        F("opened_stage", "创建时阶段", example=""),
        F("note", "其他", example="", aliases=("备注", "other")),
    ),
    aliases=("opportunity", "pipeline", "项目", "商机清单"),
)

LINES = Kind(
    "lines",
    "产品明细",
    _("opportunity lines"),
    (
        F("external_id", "外部编号", required=True, example="P2026-001", aliases=("商机编号",)),
        F("product", "产品", required=True, example="ERP软件", aliases=("提供的产品",)),
        F("amount", "金额", required=True, example="1,200,000"),
    ),
    aliases=("opportunity lines", "opportunity_lines", "商机产品", "提供的产品"),
)

HISTORY = Kind(
    "history",
    "阶段历史",
    _("stage history"),
    (
        F("external_id", "外部编号", required=True, example="P2026-001", aliases=("商机编号",)),
        F("stage", "阶段", required=True, example="S3"),
        F("entered_on", "进入日期", required=True, example="2026-03-02", aliases=("日期",)),
        F("status", "状态", example="进行中"),
    ),
    aliases=("stage history", "stage_history", "阶段记录"),
)

ACTIVITIES = Kind(
    "activities",
    "活动",
    _("activities"),
    (
        F("external_id", "外部编号", example="A1001", aliases=("活动编号",)),
        F("person", "人员", required=True, example="li.ming", aliases=("username", "用户名")),
        F("kind", "类型", required=True, example="客户拜访", aliases=("活动类型", "type")),
        F("date", "日期", required=True, example="2026-03-05", aliases=("occurred_on",)),
        F("hours", "小时数", example=2, aliases=("小时", "时长")),
        F("customer", "客户", example="C1001"),
        F("opportunity", "商机", example="P2026-001", aliases=("商机编号",)),
        F("purpose", "目的", example="了解需求"),
        F("outcome", "结果", example=""),
        F("note", "备注", example=""),
    ),
    aliases=("activity", "活动记录"),
)

# Import order: what a later kind refers to is written first.
KINDS: tuple[Kind, ...] = (
    ORGANISATION,
    QUOTAS,
    PRODUCTS,
    CUSTOMERS,
    CONTACTS,
    OPPORTUNITIES,
    LINES,
    HISTORY,
    ACTIVITIES,
)
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


def key(header: object) -> str:
    """A header as a lookup key: case, spaces, underscores, hyphens and required-marks ignored."""
    raw = str(header or "").casefold()
    raw = re.sub(r"[（(]\s*(必填|required)\s*[)）]", "", raw)
    return re.sub(r"[\s_\-*＊:：]+", "", raw)


def _field_keys(kind: Kind) -> dict[str, str]:
    keys: dict[str, str] = {}
    for f in kind.fields:
        for spelling in (f.field, f.zh, *f.aliases):
            keys.setdefault(key(spelling), f.field)
    return keys


FIELD_KEYS = {kind.name: _field_keys(kind) for kind in KINDS}


def recognise_columns(kind: Kind, sheet: Sheet) -> dict[str, int]:
    """Our field → the sheet's column index. The first column wins when two mean the same."""
    keys = FIELD_KEYS[kind.name]
    found: dict[str, int] = {}
    for index, column in enumerate(sheet.columns):
        for candidate in column.candidates:
            name = keys.get(key(candidate))
            if name:
                found.setdefault(name, index)
                break
    return found


def kind_of_sheet(sheet: Sheet) -> Kind | None:
    """What a sheet holds, from the workbook itself — never from a file's name (a file named
    `unknown_customer.csv` is not therefore a customer sheet).

    An xlsx sheet titled exactly as a kind (商机, opportunities: as our templates and exports
    title them) is that kind. Otherwise the column headers decide: the kind whose required
    columns are all there and that recognises the most columns. None when no kind fits or two
    fit equally well: then the importer names the kind (`--kind`, the page's choice)."""
    if sheet.titled:
        title = key(sheet.name)
        for kind in KINDS:
            if title in {key(s) for s in (kind.name, kind.zh, *kind.aliases)}:
                return kind
    scored: list[tuple[tuple[int, int], Kind]] = []
    for kind in KINDS:
        found = recognise_columns(kind, sheet)
        if not found or any(f.field not in found for f in kind.required):
            continue
        scored.append(((len(found), -len(kind.fields)), kind))
    scored.sort(key=lambda item: item[0], reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]
