import csv
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import opencc
import openpyxl
import pytest

from backend.catalog._sheets import MAX_ROWS, SheetError, read_rows, write_csv, write_xlsx
from backend.catalog.structs import ServiceRecord, ServiceWrite

from .messy import messy_township_xlsx

SEED = Path(__file__).resolve().parents[3] / "backend" / "catalog" / "seed" / "services.json"
HEADER_CSV = "编码,类别,名称,说明,所需材料,办理时限,办理渠道\r\n"


def _by_line(rows):
    return {row.line: row for row in rows}


def _rejections(rows):
    return {row.line: (row.code, row.error, row.params) for row in rows if row.error}


def test_messy_township_list_reads_the_good_rows_exactly():
    rows = _by_line(read_rows(messy_township_xlsx(), "清河镇目录.xlsx"))

    assert rows[4].data == ServiceWrite(
        code="EDU-101",
        category="education",
        name_hans="适龄儿童入学登记",
        description_hans="适龄儿童就近免试入学。",
        policy_basis_hans="《中华人民共和国义务教育法》",
        implementing_body_hans="乡镇中心学校",
        target_groups_hans=["年满6周岁的儿童"],
        materials_hans=["儿童户口簿", "监护人居民身份证", "预防接种证"],
        time_limit_days=15,
        channels=["online", "proxy"],
        fee_hans="免费",
    )
    assert rows[5].data == ServiceWrite(
        code="EDU-102",
        category="education",
        name_hans="困难学生生活补助",
        name_hant="困難學生生活補助",
        description_hans="按学期发放生活补助。",
        policy_basis_hant="",
        implementing_body_hans="乡镇中心学校",
        target_groups_hans=["家庭经济困难学生", "低保家庭子女"],
        materials_hans=["学生资助申请表", "户口簿、身份证原件及复印件"],
        time_limit_days=1,
        channels=["door_to_door", "proxy"],
    )
    assert rows[6].data == ServiceWrite(
        code="EDU-103",
        category="education",
        name_hans="营养膳食补助",
        description_hans="在校学生营养餐补助， 由学校发放。",
        policy_basis_hant="",
        implementing_body_hant="",
        target_groups_hant=[],
        materials_hans=["学生名册", "补助发放表"],
        time_limit_days=20,
        channels=["online", "proxy"],
        fee_hans="免费",
        township="330102001",
        active=False,
    )
    assert rows[13].data == ServiceWrite(
        code="HLT-302",
        category="health",
        name_hans="家庭医生签约",
        name_hant="家庭醫生簽約",
        description_hans="与家庭医生团队签约。",
        policy_basis_hans="国家基本公共卫生服务规范",
        implementing_body_hans="乡镇卫生院",
        target_groups_hans=["常住居民"],
        materials_hans=["居民身份证", "医保卡"],
        time_limit_days=15,
        channels=["door_to_door", "online"],
        fee_hans="基本服务免费",
    )


def test_messy_township_list_rejects_bad_rows_on_their_excel_lines():
    rows = read_rows(messy_township_xlsx(), "清河镇目录.xlsx")

    assert _rejections(rows) == {
        8: ("AST-201", "catalog.import.invalid_time_limit", {"value": "三百八十天"}),
        9: ("AST-202", "catalog.import.unknown_channel", {"value": "邮寄"}),
        10: ("EDU-101", "catalog.import.duplicate_code", {"code": "EDU-101", "line": "4"}),
        11: ("HLT-301", "catalog.import.invalid_time_limit", {"value": "400"}),
        14: ("HLT-303", "catalog.import.missing_field", {"field": "申请材料"}),
        15: ("HLT-304", "catalog.import.invalid_value", {"field": "是否启用", "value": "待定"}),
    }


def test_title_blank_lines_and_section_headings_are_skipped_silently():
    rows = read_rows(messy_township_xlsx(), "清河镇目录.xlsx")

    assert [row.line for row in rows] == [4, 5, 6, 8, 9, 10, 11, 13, 14, 15]


@pytest.mark.parametrize(
    ("written", "days"),
    [
        ("15", 15),
        ("１５个工作日", 15),
        ("15天", 15),
        ("十五个工作日", 15),
        ("二十日内", 20),
        ("即办", 1),
        ("当场办结", 1),
        ("即时办结", 1),
        ("15.0", 15),
        ("365", 365),
    ],
)
def test_time_limits_are_read_as_people_write_them(written, days):
    rows = read_rows((HEADER_CSV + f"EDU-001,教育,入学,说明,户口簿,{written},网上\r\n").encode(), "a.csv")

    assert rows[0].data.time_limit_days == days


@pytest.mark.parametrize("written", ["0", "366", "三百八十天", "两周", "15.5", "五五"])
def test_time_limits_out_of_range_or_unreadable_are_rejected(written):
    rows = read_rows((HEADER_CSV + f"EDU-001,教育,入学,说明,户口簿,{written},网上\r\n").encode(), "a.csv")

    assert (rows[0].error, rows[0].params) == ("catalog.import.invalid_time_limit", {"value": written})


@pytest.mark.parametrize(
    ("written", "items"),
    [
        ("1.户口簿\n2.身份证", ["户口簿", "身份证"]),
        ("1.户口簿2.身份证3.照片", ["户口簿", "身份证", "照片"]),
        ("（1）申请书；（2）户口簿、身份证原件及复印件。", ["申请书", "户口簿、身份证原件及复印件"]),
        ("①申请书②证明", ["申请书", "证明"]),
        ("申请书;\n\n证明；", ["申请书", "证明"]),
        ("身份证、户口簿，原件及复印件", ["身份证、户口簿，原件及复印件"]),
        ("第1、2项材料；1.5倍补助证明", ["第1、2项材料", "1.5倍补助证明"]),
    ],
)
def test_materials_split_on_lines_semicolons_and_numbering_but_not_on_commas(written, items):
    rows = read_rows((HEADER_CSV + f'EDU-001,教育,入学,说明,"{written}",3,网上\r\n').encode(), "a.csv")

    assert rows[0].data.materials_hans == items


@pytest.mark.parametrize(
    ("written", "channels"),
    [
        ("网上办理、上门服务、全程代办", ["online", "door_to_door", "proxy"]),
        ("线上/上门/代办", ["online", "door_to_door", "proxy"]),
        ("online, proxy", ["online", "proxy"]),
        ("Door to door；在线申请；代理", ["door_to_door", "online", "proxy"]),
        ("网办 网办", ["online"]),
    ],
)
def test_channels_are_read_in_chinese_or_english(written, channels):
    rows = read_rows((HEADER_CSV + f'EDU-001,教育,入学,说明,户口簿,3,"{written}"\r\n').encode(), "a.csv")

    assert rows[0].data.channels == channels


def test_english_headers_and_traditional_columns_are_recognized():
    text = (
        "Code,Category,Name,Name_Hant,Description,Materials,Materials (繁體),Time Limit Days,Channels,Active\r\n"
        'edu-001,education,入学,入學,说明,"户口簿\n身份证","戶口簿\n身分證",3,door_to_door,no\r\n'
    )

    (row,) = read_rows(text.encode(), "catalog.csv")

    assert (row.data.name_hant, row.data.materials_hant) == ("入學", ["戶口簿", "身分證"])
    assert (row.data.channels, row.data.active, row.data.description_hant) == (["door_to_door"], False, None)


def test_gb18030_csv_from_chinese_excel_is_read():
    text = "清河镇目录\r\n" + HEADER_CSV + "CIV-001,民政,婚姻登记预约,预约婚姻登记。,户口簿；身份证,5,上门、代办\r\n"

    rows = read_rows(text.encode("gb18030"), "目录.csv")

    assert [(row.line, row.code, row.error) for row in rows] == [(3, "CIV-001", None)]
    assert rows[0].data.category == "civil_affairs"
    assert rows[0].data.materials_hans == ["户口簿", "身份证"]
    assert rows[0].data.channels == ["door_to_door", "proxy"]


def test_utf8_csv_with_bom_counts_lines_as_excel_rows():
    text = HEADER_CSV + "\r\n" + 'LAW-001,法律服务,法律援助,免费法律咨询。,"1、身份证\r\n2、经济困难证明",7,online\r\n'
    text += "LAW-002,法律,人民调解,调解纠纷。,申请书,3,网办\r\n"

    rows = read_rows(text.encode("utf-8-sig"), "目录.csv")

    assert [(row.line, row.code, row.error) for row in rows] == [(3, "LAW-001", None), (4, "LAW-002", None)]
    assert rows[0].data.materials_hans == ["身份证", "经济困难证明"]


def test_unknown_category_and_bad_code_keep_the_code_for_the_report():
    text = HEADER_CSV + "XYZ-001,旅游,导游,说明,材料,3,网上\r\n" + "edu_1,教育,入学,说明,材料,3,网上\r\n"

    rows = read_rows(text.encode(), "a.csv")

    assert _rejections(rows) == {
        2: ("XYZ-001", "catalog.import.unknown_category", {"value": "旅游"}),
        3: ("EDU_1", "catalog.import.invalid_code", {"value": "EDU_1"}),
    }


def test_overlong_text_is_rejected_naming_the_column():
    text = HEADER_CSV + f"EDU-001,教育,{'名' * 201},说明,材料,3,网上\r\n"

    rows = read_rows(text.encode(), "a.csv")

    assert (rows[0].error, rows[0].params) == ("catalog.import.too_long", {"field": "名称", "max": "200"})


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    broken_zip = b"PK\x03\x04" + b"\x00" * 40

    for content, name in [(png, "photo.png"), (broken_zip, "目录.xlsx"), (b"%PDF-1.7\n\x00\x01", "a.pdf")]:
        with pytest.raises(SheetError) as caught:
            read_rows(content, name)
        assert caught.value.key == "catalog.import.unreadable"


def test_old_binary_excel_is_refused_with_a_hint_to_save_as_xlsx():
    with pytest.raises(SheetError) as caught:
        read_rows(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "目录.xls")

    assert caught.value.key == "catalog.import.legacy_format"


def test_a_sheet_without_a_header_row_is_refused():
    workbook = openpyxl.Workbook()
    for line in range(1, 15):
        workbook.active.append([f"第{line}行", "随便写的内容", 42])
    buffer = io.BytesIO()
    workbook.save(buffer)

    with pytest.raises(SheetError) as caught:
        read_rows(buffer.getvalue(), "目录.xlsx")

    assert caught.value.key == "catalog.import.no_header"


def test_a_header_missing_required_columns_is_refused():
    with pytest.raises(SheetError) as caught:
        read_rows("编码,类别,名称\r\nEDU-001,教育,入学\r\n".encode(), "a.csv")

    assert caught.value.key == "catalog.import.missing_columns"
    assert caught.value.params == {"columns": "说明、所需材料、办理时限（工作日）、办理渠道"}


def test_more_than_the_row_limit_is_refused():
    body = "".join(f"EDU-{n:04d},教育,入学,说明,材料,3,网上\r\n" for n in range(MAX_ROWS + 1))

    with pytest.raises(SheetError) as caught:
        read_rows((HEADER_CSV + body).encode(), "a.csv")

    assert caught.value.key == "catalog.import.too_many_rows"


def test_a_zip_bomb_of_merged_cells_is_refused_before_loading():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        sheet = '<worksheet><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells></worksheet>'
        archive.writestr("xl/worksheets/sheet1.xml", sheet)

    with pytest.raises(SheetError) as caught:
        read_rows(buffer.getvalue(), "目录.xlsx")

    assert caught.value.key == "payload_too_large"


# --- export and round trip -------------------------------------------------------


def _records() -> list[ServiceRecord]:
    to_hant = opencc.OpenCC("s2tw").convert
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    picked = [entry for entry in seed if entry["code"] in {"EDU-001", "INS-003", "OLD-002", "DIS-005", "CIV-008"}]
    records = []
    for index, entry in enumerate(picked):
        texts = {}
        for field in ("name", "description", "policy_basis", "implementing_body", "fee"):
            texts[f"{field}_hans"], texts[f"{field}_hant"] = entry[field], to_hant(entry[field])
        for field in ("target_groups", "materials"):
            texts[f"{field}_hans"], texts[f"{field}_hant"] = entry[field], [to_hant(item) for item in entry[field]]
        records.append(
            ServiceRecord(
                code=entry["code"],
                category=entry["category"],
                time_limit_days=entry["time_limit_days"],
                channels=entry["channels"],
                active=index != 1,
                township="330102001" if index == 2 else entry["township"],
                updated_at=datetime(2026, 1, 5, tzinfo=UTC),
                **texts,
            )
        )
    records[0].urgent_hours = 24  # 加急: the last column
    # Text Excel would otherwise run as a formula, and an entry with nothing optional.
    records[3].description_hans = '=HYPERLINK("http://example.com")'
    records[4].policy_basis_hans = records[4].policy_basis_hant = ""
    records[4].target_groups_hans = records[4].target_groups_hant = []
    return records


@pytest.mark.parametrize(
    ("written", "hours"), [("", None), ("24", 24), ("24小时", 24), ("二十四小时", 24), ("720", 720)]
)
def test_urgent_hours_are_read_as_people_write_them(written, hours):
    rows = read_rows(
        (HEADER_CSV.rstrip("\r\n") + ",加急时限\r\n" + f"EDU-001,教育,入学,说明,户口簿,5,网上,{written}\r\n").encode(),
        "a.csv",
    )

    assert rows[0].error is None and rows[0].data.urgent_hours == hours


@pytest.mark.parametrize("written", ["0", "721", "一天", "2.5"])
def test_urgent_hours_out_of_range_or_unreadable_are_rejected(written):
    rows = read_rows(
        (
            HEADER_CSV.rstrip("\r\n") + ",加急时限（小时）\r\n" + f"EDU-001,教育,入学,说明,户口簿,5,网上,{written}\r\n"
        ).encode(),
        "a.csv",
    )

    assert (rows[0].error, rows[0].params) == ("catalog.import.invalid_urgent_hours", {"value": written})


def _as_write(record: ServiceRecord) -> ServiceWrite:
    fields = {name: getattr(record, name) for name in ServiceWrite.__struct_fields__}
    return ServiceWrite(**fields)


@pytest.mark.parametrize(("write", "filename"), [(write_xlsx, "目录.xlsx"), (write_csv, "目录.csv")])
def test_export_reads_back_as_the_same_entries(write, filename):
    records = _records()

    rows = read_rows(write(records), filename)

    assert [row.error for row in rows] == [None] * len(records)
    assert [row.line for row in rows] == list(range(2, len(records) + 2))
    assert [row.data for row in rows] == [_as_write(record) for record in records]


def test_xlsx_export_is_readable_in_excel():
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx(_records()))).active

    assert [cell.value for cell in sheet[1]][:4] == ["编码", "类别", "名称", "名称（繁体）"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet["B2"].value == "教育" and sheet["O2"].value == 10
    assert sheet["E5"].data_type == "s"  # the "=HYPERLINK" text is not a formula
    assert sheet["M2"].value == "儿童户口簿\n父母或其他监护人居民身份证\n儿童预防接种证"


def test_csv_export_opens_in_excel_with_bom_and_chinese_labels():
    content = write_csv(_records())

    assert content.startswith(b"\xef\xbb\xbf")
    header, first, *_ = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    assert header[14:17] == ["办理时限（工作日）", "办理渠道", "收费标准"]
    assert first[12] == "儿童户口簿；父母或其他监护人居民身份证；儿童预防接种证"
    assert first[15] == "网上办理、全程代办" and first[19] == "是"
