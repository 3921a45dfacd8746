"""Loads the method of SPEC §2: stages S1–S7 and every criterion, in zh-Hans and English.

The zh-Hans criterion texts are the seed playbook's own wording (SPEC appendix).
After loading, everything here is editable in the admin.
"""

from django.db import migrations

STAGES = [
    # code, order, name, name_en, column name, column name en, roles, roles en, probability, stuck
    ("S1", 1, "定位目标客户群", "Target customer group", "定位目标客户群", "Target customers",
     "客户经理", "Account manager", 0, 90),
    ("S2", 2, "发掘潜在商机", "Potential opportunity", "发掘潜在客户", "Potential",
     "客户经理(销售人员)", "Account manager", 10, 60),
    ("S3", 3, "确认客户意向", "Confirmed intention", "确认客户意向", "Intention",
     "客户经理(销售人员)", "Account manager", 20, 60),
    ("S4", 4, "引导客户立项", "Project initiated", "引导客户立项", "Initiated",
     "项目小组", "Project team", 30, 60),
    ("S5", 5, "赢得客户认可", "Recognition won", "赢得客户认可", "Recognition",
     "项目小组(销售主管或项目经理、产品专家、行业专家、售前咨询顾问、实施顾问、分公司总经理、客户经理)",
     "Project team (sales supervisor or PM, product expert, industry expert, presales consultant, "
     "implementation consultant, branch GM, account manager)", 50, 45),
    ("S6", 6, "进行商务谈判", "Commercial negotiation", "进行商务谈判", "Negotiation",
     "项目经理、销售主管、公司高层", "Project manager, sales supervisor, executive", 75, 45),
    ("S7", 7, "完成销售成交", "Sale completed", "完成销售成交", "Completed",
     "项目经理、销售主管、财务主管", "Project manager, sales supervisor, finance supervisor", 100, 60),
]

E, A = "evidence", "attested"

CRITERIA = [
    # code, kind, zh (seed wording), en, evidence hint zh, evidence hint en
    ("S1.1", E, "属于大中型制造业/金融/电信/证券/保险/电力/烟草/医药等行业",
     "Large or medium enterprise in a target industry (manufacturing, finance, telecom, "
     "securities, insurance, electric power, tobacco, pharmaceutical)",
     "客户资料:行业属于目标行业,且规模为大型或中型", "Profile: target industry, large or medium size"),
    ("S1.2", E, "多组织/多地点的集团企业", "Multi-organisation / multi-site group enterprise",
     "客户资料:集团企业且多组织/多地点", "Profile: group enterprise and multi-site"),
    ("S1.3", A, "需要通过信息化来提升管理的企业",
     "Needs information systems to improve management", "", ""),
    ("S1.4", A, "符合我们的产品应用特征", "Fits our products' application profile", "", ""),
    ("S2.1", E, "客户的基本资料(如行业/背景/企业规模/人员等)",
     "Customer basics (industry, background, size, headcount)",
     "客户资料:行业、背景、规模、人数齐全", "Profile: industry, background, size, headcount"),
    ("S2.2", E, "客户的IT基本信息(已有的硬件/软件/网络等基本资料)",
     "Customer IT baseline (existing hardware, software, network)",
     "客户资料:硬件、软件、网络齐全", "Profile: hardware, software and network"),
    ("S2.3", E, "参与竞争的软件厂商", "Competing software vendors involved",
     "商机上记录了竞争厂商,或注明未知有竞争厂商", "A competitor on record, or 'none known' ticked"),
    ("S2.4", E, "客户的需求/预算", "Customer need and budget",
     "商机上记录了客户需求和预算金额", "Need and budget amount on record"),
    ("S2.5", E, "客户的项目组人员情况", "The customer's project-team people",
     "客户联系人及其项目角色", "Contacts with their project roles"),
    ("S2.6", E, "符合我们的目标客户要求", "Customer is a target customer",
     "客户满足S1或由主管标记为目标客户", "Customer meets S1 or was marked target by a supervisor"),
    ("S2.7", E, "该企业需要应用信息化", "The company needs IT",
     "客户资料:IT需求已填写", "Profile: IT need recorded"),
    ("S2.8", E, "该企业经济效益良好", "The company is in good economic condition",
     "客户资料:经济状况为良好", "Profile: economic condition good"),
    ("S2.9", E, "目前无应用系统或系统不完善、应用效果不好",
     "No system yet, or the current one is inadequate",
     "客户资料:现有系统为无或不完善", "Profile: no system or inadequate system"),
    ("S3.1", A, "客户对我们的产品和服务有兴趣", "Interested in our products and services", "", ""),
    ("S3.2", A, "客户认同外购软件的方式", "Accepts buying packaged software", "", ""),
    ("S3.3", A, "客户已经有初步的项目需求", "Has preliminary project requirements", "", ""),
    ("S3.4", A, "客户开始在接触软件厂商或第三方咨询商",
     "Has started contacting vendors or third-party consultants", "", ""),
    ("S4.0", E, "立项申请已获批准,项目小组已成立",
     "Project initiation approved and project team formed",
     "已批准的立项申请,且有项目经理", "An approved initiation request and a project manager"),
    ("S4.1", A, "客户对我们的产品有一定的认同度", "Customer has some recognition of our products",
     "", ""),
    ("S4.2", A, "客户已有项目需求", "Customer has project requirements", "", ""),
    ("S4.3", E, "客户已有初步的项目预算", "Customer has a preliminary budget",
     "商机上记录了预算金额", "Budget amount on record"),
    ("S4.4", E, "客户已成立项目选型小组,企业领导层对此高度重视和支持",
     "Customer formed a selection team with leadership support",
     "联系人中有选型小组成员和决策者或高层支持者",
     "Contacts include a selection team member and a decision maker or executive sponsor"),
    ("S4.5", E, "客户已有时间进度计划", "Customer has a schedule",
     "关键日期:客户项目进度", "Key date: customer's project schedule"),
    ("S4.6", E, "已有第三方咨询商或竞争厂商介入",
     "A third-party consultant or competitor is involved",
     "商机上记录了具名的咨询商或竞争厂商", "A named consultant or competitor on record"),
    ("S4.7", E, "有目的的对客户进行引导(提供产品方向、白皮书等资料的讲解)",
     "We guided the customer with our material (product direction, white paper)",
     "活动:产品方向/白皮书讲解", "Activity: product direction / white paper presentation"),
    ("S5.1", E, "客户对我们的产品认可,认为我们的产品能够满足要求;已对产品做大体介绍",
     "Customer accepts that our products meet the requirements; product overview given",
     "活动:产品介绍", "Activity: product overview"),
    ("S5.2", A, "进入客户备选阶段", "We are on the shortlist", "", ""),
    ("S5.3", E, "已提交项目初步费用报价(包括项目软件/实施/服务费用报价)",
     "Preliminary quote submitted with software, implementation and service fees",
     "报价:含软件、实施、服务费用", "Quote with software, implementation and service fees"),
    ("S5.4", E, "项目在未来三个月内实现签单率的可能性在50%以上",
     "At least 50% likely to sign within three months",
     "预计成交日期在三个月内且赢单率不低于50%",
     "Expected close within 3 months and probability at least 50%"),
    ("S6.1", A, "客户对我们已认可", "Customer recognises us", "", ""),
    ("S6.2", A, "客户已确认我们为唯一厂商或备选的厂商之一",
     "We are the sole vendor or one of the shortlisted vendors", "", ""),
    ("S6.3", E, "已确定基本时间进度表(投标、合同谈判、签约等时间)",
     "Schedule for bid, contract negotiation and signing is set",
     "关键日期:投标、合同谈判、签约", "Key dates: bid, negotiation and signing"),
    ("S7.1", E, "已按一定金额和付款方式完成合同的签订工作",
     "Contract signed with amount and payment terms",
     "合同:签约日期、金额、付款方式", "Contract: signing date, amount, payment terms"),
    ("S7.2", E, "客户已按合同规定支付了相应的款,并由财务确认收入已到帐",
     "Customer paid what the contract requires so far, confirmed by finance",
     "财务确认的回款不少于已到期的应收", "Finance-confirmed payments cover what is due"),
    ("S7.3", E, "已向总部订货并在当地已发货", "Ordered from headquarters and shipped",
     "发货:总部订货日期和发货日期", "Shipment: HQ order date and ship date"),
]

INDUSTRIES = [
    # code, name, name_en, target
    ("manufacturing", "制造业", "Manufacturing", True),
    ("finance", "金融", "Finance", True),
    ("telecom", "电信", "Telecom", True),
    ("securities", "证券", "Securities", True),
    ("insurance", "保险", "Insurance", True),
    ("power", "电力", "Electric power", True),
    ("tobacco", "烟草", "Tobacco", True),
    ("pharmaceutical", "医药", "Pharmaceutical", True),
    ("retail", "零售", "Retail", False),
    ("real_estate", "房地产", "Real estate", False),
    ("construction", "建筑", "Construction", False),
    ("logistics", "物流", "Logistics", False),
    ("education", "教育", "Education", False),
    ("government", "政府", "Government", False),
    ("hospitality", "酒店餐饮", "Hospitality", False),
    ("media", "传媒", "Media", False),
    ("other", "其他", "Other", False),
]


def load(apps, schema_editor):
    Stage = apps.get_model("pipeline", "Stage")
    Criterion = apps.get_model("pipeline", "Criterion")
    Industry = apps.get_model("customers", "Industry")
    for code, order, name, name_en, short, short_en, roles, roles_en, prob, stuck in STAGES:
        Stage.objects.update_or_create(
            code=code,
            defaults=dict(
                order=order, name=name, name_en=name_en, short_name=short, short_name_en=short_en,
                owner_roles=roles, owner_roles_en=roles_en, default_probability=prob,
                stuck_after_days=stuck,
            ),
        )
    for position, (code, kind, text, text_en, hint, hint_en) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            code=code,
            defaults=dict(
                stage_id=code.split(".")[0], order=position, kind=kind, text=text,
                text_en=text_en, evidence_hint=hint, evidence_hint_en=hint_en,
            ),
        )
    for position, (code, name, name_en, target) in enumerate(INDUSTRIES):
        Industry.objects.update_or_create(
            code=code,
            defaults=dict(name=name, name_en=name_en, is_target=target, sort_order=position),
        )


def unload(apps, schema_editor):
    apps.get_model("pipeline", "Criterion").objects.all().delete()
    apps.get_model("pipeline", "Stage").objects.all().delete()
    apps.get_model("customers", "Industry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0001_initial"),
        ("customers", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, unload)]
