"""The demo park's enterprises and the unit/equipment templates of each industry.

Fictional organisations with plausible Chinese names in a fictional national ETDZ in Nantong,
Jiangsu. Industry codes are GB/T 4754-2017 classes. (code, name, short, industry code, industry
name, ETS covered, key energy-consuming unit, employees, template)
"""
from __future__ import annotations

PARK = {
    "name": "江海经济技术开发区",
    "name_en": "Jianghai Economic and Technological Development Zone",
    "province": "320000",
    "city": "南通市",
    "zone_type": "national_etdz",
    "area_km2": "120.50",
    "established_year": 1993,
    "administrator": "江海经济技术开发区管理委员会",
}
DIVISION = "320600"  # 南通市, used in the demo credit codes

ENTERPRISES = [
    ("江海特钢集团有限公司", "江海特钢", "3120", "炼钢", True, True, 2600, "steel"),
    ("江海精密钢管有限公司", "精密钢管", "3130", "钢压延加工", False, True, 780, "steel_rolling"),
    ("海陵金属结构有限公司", "海陵金属", "3311", "金属结构制造", False, False, 320, "machinery"),
    ("江海建材水泥有限公司", "江海水泥", "3011", "水泥制造", True, True, 540, "cement"),
    ("滨江新型建材有限公司", "滨江建材", "3021", "水泥制品制造", False, False, 210, "building_materials"),
    ("通海平板玻璃有限公司", "通海玻璃", "3041", "平板玻璃制造", False, True, 650, "glass"),
    ("江海石化有限公司", "江海石化", "2614", "有机化学原料制造", False, True, 1200, "chemical"),
    ("滨海氯碱化工有限公司", "滨海氯碱", "2612", "无机碱制造", False, True, 860, "chemical"),
    ("华通新材料科技有限公司", "华通新材", "2651", "初级形态塑料及合成树脂制造", False, True, 430, "chemical"),
    ("江海精细化工有限公司", "精细化工", "2661", "化学试剂和助剂制造", False, False, 260, "chemical_small"),
    ("润扬涂料有限公司", "润扬涂料", "2641", "涂料制造", False, False, 180, "chemical_small"),
    ("江海微电子有限公司", "江海微电子", "3973", "集成电路制造", False, True, 1500, "semiconductor"),
    ("联创电路板科技有限公司", "联创电路", "3982", "电子电路制造", False, True, 920, "electronics"),
    ("通瑞光电科技有限公司", "通瑞光电", "3976", "光电子器件制造", False, False, 610, "electronics"),
    ("江海新能源电池有限公司", "江海电池", "3841", "锂离子电池制造", False, True, 1800, "electronics"),
    ("东港精密电子有限公司", "东港电子", "3981", "电阻电容电感元件制造", False, False, 540, "electronics"),
    ("江海纺织印染有限公司", "江海印染", "1713", "棉印染精加工", False, True, 690, "dyeing"),
    ("华纶化纤有限公司", "华纶化纤", "2822", "涤纶纤维制造", False, True, 750, "fibre"),
    ("锦程家纺有限公司", "锦程家纺", "1771", "床上用品制造", False, False, 380, "textile"),
    ("江海棉纺有限公司", "江海棉纺", "1711", "棉纺纱加工", False, False, 460, "textile"),
    ("江海乳业有限公司", "江海乳业", "1441", "液体乳制造", False, False, 520, "food"),
    ("海丰粮油食品有限公司", "海丰粮油", "1331", "食用植物油加工", False, False, 300, "food"),
    ("滨江酿造有限公司", "滨江酿造", "1462", "酱油、食醋及类似制品制造", False, False, 240, "food"),
    ("鲜达冷链食品有限公司", "鲜达食品", "1432", "速冻食品制造", False, False, 350, "cold_food"),
    ("江海港通物流有限公司", "港通物流", "5431", "普通货物道路运输", False, False, 410, "logistics"),
    ("滨江国际仓储有限公司", "滨江仓储", "5920", "通用仓储", False, False, 150, "warehouse"),
    ("顺江冷链物流有限公司", "顺江冷链", "5930", "低温仓储", False, False, 190, "cold_warehouse"),
    ("江海热电有限公司", "江海热电", "4412", "热电联产", True, True, 330, "chp"),
    ("江海水务有限公司", "江海水务", "4620", "污水处理及其再生利用", False, False, 140, "water"),
    ("江海重工机械有限公司", "江海重工", "3411", "锅炉及辅助设备制造", False, False, 880, "machinery"),
]

PARK_FACILITIES = ("江海经济技术开发区管理委员会（园区公共设施）", "园区公共设施", "7810", "市政设施管理", "park")

# A template is a list of units: (code suffix, name, unit type, [(equipment name, type, capacity, unit, energy)]).
TEMPLATES: dict[str, list] = {
    "steel": [
        ("STL", "转炉炼钢车间", "production", [("120t转炉", "furnace", 120, "t", "铁水、氧气、电力"), ("LF精炼炉", "furnace", 120, "t", "电力、石灰")]),
        ("HRM", "热轧车间", "production", [("步进式加热炉", "furnace", 180, "t/h", "高炉煤气、焦炉煤气"), ("轧机主电机", "motor", 8000, "kW", "电力")]),
        ("PWR", "动力车间", "boiler_house", [("燃气锅炉", "boiler", 35, "t/h", "天然气"), ("空压站", "compressor", 250, "kW", "电力"), ("110kV变电站SF6开关柜", "switchgear", 12, "台", "SF6")]),
        ("TRN", "厂内运输队", "transport", [("柴油叉车", "vehicle", 10, "t", "柴油"), ("重型运输车", "vehicle", 40, "t", "柴油")]),
    ],
    "steel_rolling": [
        ("ROL", "冷轧车间", "production", [("退火炉", "furnace", 25, "t/h", "天然气"), ("冷轧机", "motor", 3200, "kW", "电力")]),
        ("PWR", "公用工程", "boiler_house", [("燃气蒸汽锅炉", "boiler", 10, "t/h", "天然气")]),
    ],
    "machinery": [
        ("WLD", "焊接车间", "production", [("焊接机器人", "other", 60, "kW", "电力、CO2保护气")]),
        ("PNT", "涂装车间", "production", [("烘干炉", "furnace", 2, "MW", "天然气"), ("RTO焚烧炉", "furnace", 1.5, "MW", "天然气")]),
        ("AUX", "辅助设施", "auxiliary", [("空压机", "compressor", 132, "kW", "电力")]),
    ],
    "cement": [
        ("KLN", "熟料烧成系统", "kiln", [("5000t/d回转窑", "kiln", 5000, "t/d", "烟煤、石灰石"), ("分解炉", "furnace", 5000, "t/d", "烟煤")]),
        ("MIL", "水泥粉磨站", "production", [("水泥磨", "motor", 3550, "kW", "电力")]),
        ("WHR", "余热发电", "boiler_house", [("余热锅炉", "boiler", 9, "MW", "窑尾废气")]),
        ("TRN", "矿山运输", "transport", [("矿用自卸车", "vehicle", 60, "t", "柴油")]),
    ],
    "building_materials": [
        ("PRD", "管桩生产线", "production", [("蒸压釜", "reactor", 30, "m", "蒸汽")]),
        ("AUX", "辅助设施", "auxiliary", [("燃气导热油炉", "boiler", 2.8, "MW", "天然气")]),
    ],
    "glass": [
        ("FLT", "浮法玻璃生产线", "kiln", [("600t/d熔窑", "kiln", 600, "t/d", "天然气、纯碱、白云石")]),
        ("PWR", "动力站", "boiler_house", [("备用柴油发电机", "engine", 1000, "kW", "柴油")]),
    ],
    "chemical": [
        ("RXN", "合成装置", "production", [("反应釜组", "reactor", 50, "m³", "蒸汽、电力"), ("工艺加热炉", "furnace", 15, "MW", "天然气、燃料气")]),
        ("UTL", "公用工程站", "boiler_house", [("燃气锅炉", "boiler", 20, "t/h", "天然气"), ("循环水泵", "motor", 630, "kW", "电力")]),
        ("FLR", "火炬系统", "auxiliary", [("高架火炬", "other", None, "", "火炬气")]),
        ("CLD", "冷冻站", "auxiliary", [("螺杆冷水机组", "chiller", 1400, "kW", "电力、R134a")]),
    ],
    "chemical_small": [
        ("PRD", "生产车间", "production", [("反应釜", "reactor", 10, "m³", "蒸汽、电力")]),
        ("UTL", "锅炉房", "boiler_house", [("燃气蒸汽锅炉", "boiler", 4, "t/h", "天然气")]),
    ],
    "semiconductor": [
        ("FAB", "晶圆制造厂房", "production", [("刻蚀机台", "other", 80, "kW", "电力、CF4、NF3"), ("CVD设备", "other", 60, "kW", "电力、NF3")]),
        ("FAC", "厂务动力", "auxiliary", [("离心式冷水机组", "chiller", 4000, "kW", "电力、R134a"), ("尾气处理装置", "other", 30, "kW", "天然气")]),
    ],
    "electronics": [
        ("SMT", "SMT车间", "production", [("回流焊炉", "furnace", 45, "kW", "电力")]),
        ("CLN", "洁净空调系统", "auxiliary", [("冷水机组", "chiller", 1200, "kW", "电力、R410A")]),
        ("AUX", "辅助设施", "auxiliary", [("空压机", "compressor", 160, "kW", "电力")]),
    ],
    "dyeing": [
        ("DYE", "印染车间", "production", [("定型机", "furnace", 3, "MW", "天然气"), ("溢流染色机", "other", 500, "kg", "蒸汽")]),
        ("BLR", "锅炉房", "boiler_house", [("燃气锅炉", "boiler", 15, "t/h", "天然气")]),
    ],
    "fibre": [
        ("POL", "聚合车间", "production", [("聚合反应器", "reactor", 300, "t/d", "PTA、乙二醇、热媒"), ("热媒炉", "furnace", 12, "MW", "天然气")]),
        ("SPN", "纺丝车间", "production", [("纺丝机", "motor", 400, "kW", "电力")]),
    ],
    "textile": [
        ("SPN", "纺纱车间", "production", [("细纱机", "motor", 90, "kW", "电力")]),
        ("AIR", "空调站", "auxiliary", [("冷水机组", "chiller", 900, "kW", "电力、R22")]),
    ],
    "food": [
        ("PRD", "生产车间", "production", [("杀菌设备", "other", 10, "t/h", "蒸汽")]),
        ("BLR", "锅炉房", "boiler_house", [("燃气蒸汽锅炉", "boiler", 6, "t/h", "天然气")]),
        ("CLD", "冷库", "auxiliary", [("氨制冷机组", "chiller", 300, "kW", "电力、R717")]),
    ],
    "cold_food": [
        ("PRD", "速冻生产线", "production", [("螺旋速冻机", "chiller", 2, "t/h", "电力、R507")]),
        ("CLD", "低温冷库", "auxiliary", [("制冷机组", "chiller", 600, "kW", "电力、R404A")]),
    ],
    "logistics": [
        ("FLT", "货运车队", "transport", [("重型柴油货车", "vehicle", 49, "t", "柴油"), ("LNG牵引车", "vehicle", 49, "t", "LNG")]),
        ("DPT", "物流园区", "building", [("办公及仓库照明", "lighting", 120, "kW", "电力")]),
    ],
    "warehouse": [
        ("WHS", "仓库", "building", [("电动叉车", "vehicle", 3, "t", "电力"), ("仓库照明", "lighting", 80, "kW", "电力")]),
    ],
    "cold_warehouse": [
        ("CLD", "冷库", "auxiliary", [("冷库制冷机组", "chiller", 800, "kW", "电力、R404A")]),
        ("FLT", "冷藏车队", "transport", [("冷藏车", "vehicle", 18, "t", "柴油、R404A")]),
    ],
    "chp": [
        ("CFB", "热电机组", "boiler_house", [("循环流化床锅炉", "boiler", 220, "t/h", "烟煤"), ("背压式汽轮发电机", "engine", 25, "MW", "蒸汽")]),
        ("GIS", "升压站", "auxiliary", [("110kV GIS", "switchgear", 8, "间隔", "SF6")]),
        ("DSL", "脱硫系统", "auxiliary", [("石灰石湿法脱硫", "reactor", 220, "t/h", "石灰石")]),
    ],
    "water": [
        ("WWT", "污水处理厂", "production", [("曝气鼓风机", "motor", 450, "kW", "电力"), ("厌氧池", "reactor", 8000, "m³", "污水（CH4、N2O）")]),
    ],
    "park": [
        ("HTS", "园区集中供热站", "boiler_house", [("燃气热水锅炉", "boiler", 14, "MW", "天然气")]),
        ("BLD", "管委会办公楼及公共建筑", "building", [("中央空调", "chiller", 1100, "kW", "电力、R410A"), ("公务车辆", "vehicle", 12, "辆", "汽油")]),
        ("LGT", "园区道路照明", "lighting", [("LED路灯", "lighting", 3200, "盏", "电力")]),
        ("GRN", "园区公共绿地", "sink", []),
    ],
}

# Extra name parts for generated parks (deterministic from the seed).
NAME_PREFIXES = [
    "江海", "滨江", "通海", "华通", "润扬", "东港", "锦程", "海丰", "顺江", "联创", "通瑞", "华纶", "鑫达", "恒润", "宏泰",
    "嘉诚", "永盛", "瑞丰", "中嘉", "天合", "汇通", "新澄", "盛元", "博远", "金港", "长青", "海晟", "启航", "安泰", "宝丰",
]
