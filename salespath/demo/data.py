"""Word pools of the demo company: Chinese names with pinyin, company-name parts, vendors,
products and the phrases salespeople write. Data only; `random.Random(seed)` picks from it."""

SURNAMES = [
    ("李", "li"),
    ("王", "wang"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
    ("罗", "luo"),
    ("梁", "liang"),
    ("郑", "zheng"),
    ("谢", "xie"),
    ("宋", "song"),
    ("唐", "tang"),
    ("邓", "deng"),
    ("冯", "feng"),
    ("曾", "zeng"),
    ("彭", "peng"),
    ("苏", "su"),
    ("蔡", "cai"),
    ("潘", "pan"),
    ("钟", "zhong"),
    ("叶", "ye"),
    ("卢", "lu"),
    ("区", "ou"),
]

GIVEN_NAMES = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("建华", "jianhua"),
    ("志强", "zhiqiang"),
    ("晓东", "xiaodong"),
    ("海燕", "haiyan"),
    ("嘉欣", "jiaxin"),
    ("子豪", "zihao"),
    ("俊杰", "junjie"),
    ("文静", "wenjing"),
    ("浩然", "haoran"),
    ("佳怡", "jiayi"),
    ("永康", "yongkang"),
    ("雪梅", "xuemei"),
    ("国栋", "guodong"),
    ("丽华", "lihua"),
    ("振宇", "zhenyu"),
    ("思远", "siyuan"),
    ("婉婷", "wanting"),
    ("伟明", "weiming"),
    ("少华", "shaohua"),
    ("锦荣", "jinrong"),
    ("家豪", "jiahao"),
    ("颖", "ying"),
    ("宇航", "yuhang"),
    ("欣怡", "xinyi"),
    ("志明", "zhiming"),
    ("美玲", "meiling"),
    ("耀华", "yaohua"),
]

# Branch code, name, English name, and the cities its customers are in.
BRANCHES = [
    ("gz", "广州分公司", "Guangzhou branch", ["广州", "清远", "肇庆"]),
    ("sz", "深圳分公司", "Shenzhen branch", ["深圳", "惠州"]),
    ("dg", "东莞分公司", "Dongguan branch", ["东莞"]),
    ("fs", "佛山分公司", "Foshan branch", ["佛山", "中山", "江门", "珠海"]),
]

# Team code, name, English name, branch code.
TEAMS = [
    ("gz-1", "广州制造业一组", "Guangzhou manufacturing 1", "gz"),
    ("gz-2", "广州行业客户组", "Guangzhou industries", "gz"),
    ("sz-1", "深圳高科技组", "Shenzhen high-tech", "sz"),
    ("sz-2", "深圳金融服务组", "Shenzhen financial services", "sz"),
    ("dg-1", "东莞制造业组", "Dongguan manufacturing", "dg"),
    ("fs-1", "佛山集团客户组", "Foshan group accounts", "fs"),
]

CITIES_EN = {
    "广州": "Guangzhou",
    "清远": "Qingyuan",
    "肇庆": "Zhaoqing",
    "深圳": "Shenzhen",
    "惠州": "Huizhou",
    "东莞": "Dongguan",
    "佛山": "Foshan",
    "中山": "Zhongshan",
    "江门": "Jiangmen",
    "珠海": "Zhuhai",
}

BRANDS = [
    ("华美", "Huamei"),
    ("宏图", "Hongtu"),
    ("顺达", "Shunda"),
    ("粤海", "Yuehai"),
    ("金盛", "Jinsheng"),
    ("鸿运", "Hongyun"),
    ("恒通", "Hengtong"),
    ("万和", "Wanhe"),
    ("利达", "Lida"),
    ("新宝", "Xinbao"),
    ("德昌", "Dechang"),
    ("永兴", "Yongxing"),
    ("嘉豪", "Jiahao"),
    ("富华", "Fuhua"),
    ("明珠", "Mingzhu"),
    ("雄狮", "Xiongshi"),
    ("益丰", "Yifeng"),
    ("腾达", "Tengda"),
    ("裕华", "Yuhua"),
    ("骏业", "Junye"),
    ("天润", "Tianrun"),
    ("星河", "Xinghe"),
    ("荣昌", "Rongchang"),
    ("盈科", "Yingke"),
    ("安泰", "Antai"),
    ("凯达", "Kaida"),
    ("中联", "Zhonglian"),
    ("瑞丰", "Ruifeng"),
    ("金辉", "Jinhui"),
    ("宝丰", "Baofeng"),
    ("联创", "Lianchuang"),
    ("伟业", "Weiye"),
    ("启航", "Qihang"),
    ("正和", "Zhenghe"),
    ("卓越", "Zhuoyue"),
    ("冠华", "Guanhua"),
    ("锦绣", "Jinxiu"),
    ("粤丰", "Yuefeng"),
    ("通达", "Tongda"),
    ("泰和", "Taihe"),
    ("南粤", "Nanyue"),
    ("珠江", "Zhujiang"),
    ("汇能", "Huineng"),
    ("广弘", "Guanghong"),
]

# Industry code → (business word, English word) used in company names.
BUSINESS_WORDS = {
    "manufacturing": [
        ("陶瓷", "Ceramics"),
        ("电器", "Electric Appliances"),
        ("五金", "Hardware"),
        ("家具", "Furniture"),
        ("纺织", "Textiles"),
        ("电子", "Electronics"),
        ("塑胶", "Plastics"),
        ("照明", "Lighting"),
        ("机械", "Machinery"),
        ("精密制造", "Precision Manufacturing"),
        ("汽车零部件", "Auto Parts"),
        ("食品", "Foods"),
        ("包装", "Packaging"),
        ("新材料", "New Materials"),
        ("铝业", "Aluminium"),
        ("化工", "Chemicals"),
        ("卫浴", "Sanitary Ware"),
    ],
    "pharmaceutical": [("制药", "Pharmaceutical"), ("医药", "Pharma"), ("生物科技", "Biotech")],
    "power": [("电力", "Power"), ("能源", "Energy"), ("新能源", "New Energy")],
    "tobacco": [("烟草工业", "Tobacco Industry")],
    "finance": [("融资租赁", "Financial Leasing"), ("商业保理", "Factoring")],
    "securities": [("证券", "Securities")],
    "insurance": [("保险经纪", "Insurance Brokers"), ("人寿保险", "Life Insurance")],
    "telecom": [("通信", "Communications"), ("网络科技", "Network Technology")],
    "retail": [("百货", "Department Stores"), ("连锁超市", "Supermarkets")],
    "real_estate": [("置业", "Property"), ("地产", "Real Estate")],
    "construction": [("建筑工程", "Construction Engineering"), ("建设", "Construction")],
    "logistics": [("物流", "Logistics"), ("供应链", "Supply Chain"), ("港务", "Port")],
    "hospitality": [("酒店管理", "Hotel Management"), ("餐饮管理", "Catering")],
    "education": [("教育科技", "Education Technology")],
    "media": [("文化传媒", "Media")],
}

# Share of customers per industry (target industries make up about two thirds).
INDUSTRY_WEIGHTS = {
    "manufacturing": 44,
    "pharmaceutical": 6,
    "power": 5,
    "tobacco": 2,
    "finance": 3,
    "securities": 2,
    "insurance": 2,
    "telecom": 3,
    "retail": 8,
    "real_estate": 7,
    "construction": 5,
    "logistics": 7,
    "hospitality": 3,
    "education": 2,
    "media": 2,
}

# Suffix, English suffix, whether the name says "group".
SUFFIXES = [
    ("集团有限公司", "Group Co., Ltd.", True),
    ("集团股份有限公司", "Group Holdings Co., Ltd.", True),
    ("股份有限公司", "Co., Ltd.", False),
    ("有限公司", "Co., Ltd.", False),
    ("实业有限公司", "Industrial Co., Ltd.", False),
]

# Name, kind (vendor / consultant).
COMPETITORS = [
    ("金蝶", "vendor"),
    ("SAP", "vendor"),
    ("Oracle", "vendor"),
    ("浪潮", "vendor"),
    ("鼎捷", "vendor"),
    ("Microsoft Dynamics", "vendor"),
    ("新中大", "vendor"),
    ("赛意信息", "vendor"),
    ("汉得信息", "vendor"),
    ("泛微", "vendor"),
    ("致远互联", "vendor"),
    ("销售易", "vendor"),
    ("北森", "vendor"),
    ("德勤咨询", "consultant"),
    ("普华永道咨询", "consultant"),
    ("埃森哲", "consultant"),
    ("安永咨询", "consultant"),
    ("毕马威咨询", "consultant"),
    ("IBM咨询", "consultant"),
    ("汉普咨询", "consultant"),
]

# Code, name, English name, relative weight in deals.
PRODUCTS = [
    ("finance", "财务管理", "Financial management", 30),
    ("scm", "供应链管理", "Supply chain management", 22),
    ("mfg", "生产制造", "Manufacturing", 18),
    ("hr", "人力资源", "Human resources", 10),
    ("group", "集团管控", "Group control", 8),
    ("crm", "客户关系管理", "Customer relationship management", 7),
    ("oa", "协同办公", "Collaboration and office", 5),
]

OPPORTUNITY_NAME_PATTERNS = [
    ("{short}{product}项目", "{short_en} {product_en} project"),
    ("{short}{product}系统升级项目", "{short_en} {product_en} upgrade"),
    ("{short}{product}信息化建设项目", "{short_en} {product_en} roll-out"),
    ("{short}二期{product}项目", "{short_en} {product_en} phase II"),
]

CONTACT_TITLES = {
    "decision_maker": ["董事长", "总经理", "总裁"],
    "executive_sponsor": ["副总经理", "财务总监", "常务副总"],
    "selection_team": ["财务经理", "生产总监", "供应链总监", "信息化项目经理", "计划经理"],
    "it_lead": ["信息中心主任", "IT经理", "CIO"],
    "user_representative": ["成本会计", "仓库主管", "人事经理"],
    "procurement": ["采购经理", "采购总监"],
    "other": ["总经理助理", "行政经理"],
}

BACKGROUNDS = [
    "成立于{year}年,珠三角{word}行业的骨干企业,下设{sites}个生产基地。",
    "{year}年创立,主营{word},产品出口东南亚和欧洲,近三年营收稳步增长。",
    "本地知名{word}企业,{year}年改制,正在推进集团化管理。",
]
IT_HARDWARE = [
    "自建机房,二十余台服务器",
    "服务器托管在电信机房",
    "主要业务已上阿里云",
    "华为服务器和存储",
]
IT_SOFTWARE = [
    "金蝶K3财务,生产用Excel",
    "自行开发的进销存系统",
    "用友U8,已使用八年",
    "SAP B1,仅财务模块",
    "无统一系统,各工厂各自为政",
]
IT_NETWORK = ["各厂区专线互联", "总部与工厂VPN互联", "仅总部局域网,工厂未联网", "SD-WAN组网"]
IT_NEEDS = [
    "集团财务集中核算,合并报表自动化",
    "打通销售、采购、库存数据,实现业财一体化",
    "车间生产计划与物料需求计划(MRP)",
    "多工厂统一供应链与成本核算",
    "人力资源与薪酬集中管理",
]

CUSTOMER_NEEDS = [
    "上线集团财务共享中心,统一核算口径",
    "替换现有进销存系统,实现业财一体化",
    "建设多工厂生产制造与成本管理平台",
    "统一集团人力资源与薪酬管理",
    "销售与渠道管理数字化",
]

VISIT_PURPOSES = [
    "初次拜访,了解客户基本情况",
    "与IT负责人沟通现有系统",
    "了解财务部门核算痛点",
    "陪同产品专家交流方案",
    "拜访决策人,确认项目预算",
    "跟进选型进度",
    "商务条款沟通",
    "收集客户组织架构与项目组人员",
    "回访已上线客户,挖掘二期需求",
]
VISIT_OUTCOMES = [
    "客户有兴趣,约定下次演示",
    "拿到IT现状资料",
    "客户暂不考虑,保持联系",
    "确认了项目负责人和时间表",
    "客户提出报价要求",
    "客户反馈竞争对手已接触",
    "客户内部还在讨论预算",
]
PROSPECTING_NOTES = ["电话开发新客户", "整理行业客户名单", "研究目标客户年报", "参加行业协会活动"]
CALL_PURPOSES = ["电话跟进需求", "确认拜访时间", "催收回款", "电话沟通报价"]
MEETING_PURPOSES = ["周例会", "项目分析会", "方案评审会", "客户来访接待"]

ATTESTATION_NOTES = {
    "S1.3": "客户高层明确表示要通过信息化提升集团管理",
    "S1.4": "多组织、多工厂,与我们的集团产品高度匹配",
    "S3.1": "客户在交流会上对我们的产品表现出明显兴趣",
    "S3.2": "客户确认不再自行开发,倾向采购成熟软件",
    "S3.3": "客户已整理出初步需求清单",
    "S3.4": "客户已邀请两家厂商交流",
    "S4.1": "客户财务总监认可我们的集团财务方案",
    "S4.2": "客户已形成正式需求说明书",
    "S5.2": "客户确认我们进入备选名单",
    "S6.1": "客户高层对方案和团队表示认可",
    "S6.2": "客户确认我们是两家备选厂商之一",
}

BACK_REASONS = [
    "客户预算冻结,需重新确认立项",
    "客户更换IT负责人,需求需重新确认",
    "竞争对手降价,客户重新评估备选厂商",
    "客户集团总部介入,选型重新开始",
]
LOST_REASONS = [
    "价格高于竞争对手",
    "客户项目预算取消",
    "客户集团统一选型,由总部决定",
    "需求与产品匹配度不足",
    "客户决策层变动,项目搁置",
    "竞争对手与客户高层关系更深",
]
REOPEN_REASONS = ["客户对中标厂商的实施不满意,重新启动选型", "客户预算恢复,项目重新启动"]
OVERRIDE_REASONS = [
    "客户总经理已口头确认,资料本周内补齐",
    "客户要求加快进度,先推进后补材料",
    "大客户战略项目,经主管确认先行推进",
]
TARGET_OVERRIDE_REASONS = [
    "虽不属目标行业,但集团下属多家制造企业,管理需求与制造业一致",
    "集团化多地点经营,信息化需求明确,作为战略客户跟进",
]
INITIATION_APPROVALS = [
    "同意立项,按计划推进",
    "同意立项,注意控制报价折扣",
    "同意,请尽快安排方案交流",
]
INITIATION_REJECTIONS = [
    "预算来源未明确,请补充客户预算审批情况后重新提交",
    "客户选型小组尚未成立,暂不立项",
    "需求不清晰,请先做一次需求调研",
]
OBJECTIONS = [
    ("实施周期太长", "提供分阶段上线方案,首期三个月上线财务"),
    ("价格高于预算", "调整模块范围,服务费分两年支付"),
    ("担心与现有MES集成", "安排集成案例客户参观"),
]
LOW_PAYMENT_TERMS = "签约付30%,上线付40%,验收付30%"

# The company-wide forecast calendar (issue 19 §1): weekly, as of Friday, due Friday 18:00.
FORECAST_CALENDAR = "每周五 18:00 上报"
