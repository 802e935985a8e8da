"""Builds, at test time, the kind of catalog a township really sends: a merged title,
a blank line, a header with stray spaces and mixed names, a category merged down
over its services, full-width digits, numbered materials, a section heading, and a
few rows that must be refused. The expected outcome of each line is in test_sheets.
"""

from __future__ import annotations

import io

import openpyxl

HEADER = [
    "序号",
    " 事项编码 ",
    "事项类别",
    "　事项名称",
    "服务内容",
    "政策依据",
    "承办单位",
    "服务对象",
    "申请材料",
    "承诺时限（工作日）",
    "Channels",
    "收费",
    "乡镇编码",
    "是否启用",
    "事项名称（繁体）",
]
# Line numbers as Excel shows them; the title is line 1, a blank line 2, the header 3.
ROWS: dict[int, list[object]] = {
    4: [
        1,
        "EDU-１０１",
        "教育",
        "适龄儿童入学登记   ",
        "适龄儿童就近免试入学。",
        "《中华人民共和国义务教育法》",
        "乡镇中心学校",
        "年满6周岁的儿童",
        "1.儿童户口簿\n2.监护人居民身份证\n3.预防接种证",
        "１５个工作日",
        "网上办理、全程代办",
        "免费",
        None,
        "是",
        None,
    ],
    5: [
        2,
        "EDU-102",
        None,
        "困难学生生活补助",
        "按学期发放生活补助。",
        None,
        "乡镇中心学校",
        "家庭经济困难学生；\n低保家庭子女；",
        "（1）学生资助申请表；（2）户口簿、身份证原件及复印件。",
        "即办",
        "上门服务/代办",
        None,
        None,
        None,
        "困難學生生活補助",
    ],
    6: [
        3,
        " edu－103 ",
        None,
        "营养膳食补助",
        "在校学生营养餐补助，  由学校发放。",
        None,
        None,
        None,
        "①学生名册 ②补助发放表",
        20.0,
        "online, proxy",
        "否",
        "３３０１０２００１",
        "否",
        None,
    ],
    8: [
        4,
        "AST-201",
        "社会救助类",
        "临时救助",
        "遭遇急难的家庭可申请临时救助。",
        None,
        None,
        None,
        "申请书",
        "三百八十天",
        "代办",
        None,
        None,
        None,
        None,
    ],
    9: [
        5,
        "AST-202",
        "社保",
        "城乡居民养老保险参保登记",
        "办理参保登记。",
        None,
        None,
        None,
        "居民身份证",
        "10",
        "网上办理、邮寄",
        None,
        None,
        None,
        None,
    ],
    10: [
        6,
        "edu-101 ",
        "教育",
        "重复的编码",
        "与第4行编码相同。",
        None,
        None,
        None,
        "身份证",
        "5",
        "代办",
        None,
        None,
        None,
        None,
    ],
    11: [
        7,
        "HLT-301",
        "医疗卫生",
        "慢病长处方",
        "慢性病患者开具长处方。",
        None,
        None,
        None,
        "医保卡",
        400,
        "上门",
        None,
        None,
        None,
        None,
    ],
    13: [
        8,
        "HLT-302",
        "卫生健康",
        "家庭医生签约",
        "与家庭医生团队签约。",
        "国家基本公共卫生服务规范",
        "乡镇卫生院",
        "常住居民",
        "居民身份证\n\n医保卡",
        "十五个工作日",
        "door to door、线上",
        "基本服务免费",
        None,
        "启用",
        "家庭醫生簽約",
    ],
    14: [
        9,
        "HLT-303",
        "卫生健康",
        "健康档案查询",
        "查询本人健康档案。",
        None,
        None,
        None,
        "   ",
        "即时办结",
        "网上",
        None,
        None,
        None,
        None,
    ],
    15: [
        10,
        "HLT-304",
        "卫生健康",
        "预防接种",
        "儿童预防接种。",
        None,
        None,
        None,
        "预防接种证",
        "3",
        "网上",
        None,
        None,
        "待定",
        None,
    ],
}


def messy_township_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "目录"
    last = openpyxl.utils.get_column_letter(len(HEADER))
    sheet["A1"] = "清河镇公共服务事项目录清单"
    sheet.merge_cells(f"A1:{last}1")
    for col, name in enumerate(HEADER, start=1):
        sheet.cell(row=3, column=col, value=name)
    for line, values in ROWS.items():
        for col, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=line, column=col, value=value)
    sheet.merge_cells("C4:C6")  # 教育 over lines 4-6
    sheet["A12"] = "二、卫生健康类"
    sheet.merge_cells(f"A12:{last}12")
    sheet.cell(row=16, column=1, value=" ")  # a line that only looks filled
    sheet["A17"] = "注：以上事项均可在村便民服务站代办。"
    sheet.merge_cells(f"A17:{last}17")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
