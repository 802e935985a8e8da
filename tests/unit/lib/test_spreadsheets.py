"""The one export writer never writes a typed string as a formula (issue 18, finding 4)."""

import pytest

from backend.lib.spreadsheets import Sheet, csv_unescape, write_csv, write_xlsx
from tests.spreadsheets import HOSTILE, csv_rows, xlsx_cell_types, xlsx_formulas, xlsx_values


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    content = write_xlsx([Sheet(title="名单", header=["=标题", "数"], rows=[[text, 1] for text in HOSTILE])])

    assert xlsx_formulas(content) == []
    rows = xlsx_values(content)["名单"]
    assert rows[0] == ["=标题", "数"]
    assert [row[0] for row in rows[1:]] == list(HOSTILE)
    types = xlsx_cell_types(content)
    assert {types[text] for text in HOSTILE} == {"inlineStr"}


def test_xlsx_keeps_numbers_numbers_and_drops_control_characters():
    content = write_xlsx([Sheet(title="s", header=["a", "b"], rows=[["王\x07秀英", -2], ["\x00", 0.5]])])

    assert xlsx_values(content)["s"][1:] == [["王秀英", -2.0], ["", 0.5]]


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_text_that_looks_like_a_formula_gets_a_quote_and_reads_back(text):
    content = write_csv(["名称", "时限"], [[text, -2], ["普通文字", 3]])

    header, hostile, plain = csv_rows(content)
    assert header == ["名称", "时限"]
    assert hostile == [f"'{text}", "-2"]  # a number is no formula; typed text is defused
    assert plain == ["普通文字", "3"]
    assert csv_unescape(hostile[0]) == text
