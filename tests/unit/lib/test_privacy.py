import pytest

from backend.lib.privacy import mask_id_number, normalize_phone, valid_id_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800000001", "13800000001"),
        ("138 0000 0001", "13800000001"),
        ("+86-138-0000-0001", "13800000001"),
        ("008613800000001", "13800000001"),
        ("１３８００００００01", "13800000001"),
        ("12800000001", None),
        ("1380000001", None),
        ("phone", None),
    ],
)
def test_phone_numbers_are_normalized_or_refused(raw, expected):
    assert normalize_phone(raw) == expected


def test_id_numbers_are_checked_with_their_check_digit():
    assert valid_id_number("11010519491231002X")
    assert valid_id_number("11010519491231002x")
    assert not valid_id_number("110105194912310021")
    assert not valid_id_number("1101051949123100")


def test_id_numbers_are_masked_to_first_three_and_last_four():
    assert mask_id_number("11010519491231002X") == "110***********002X"
