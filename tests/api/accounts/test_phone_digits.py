"""Phone numbers in other scripts' digits (finding: ``1390000001١`` signed in as a new account).

Python's ``\\d`` matches Arabic-Indic, Devanagari and many more digits, so a phone ending in
``١`` (U+0661) passed as a mainland mobile number: a second account that looks like the
first, and a phone the per-phone limits counted apart from it. Now full-width digits (what
a Chinese input method types) are read as ASCII, and every other non-ASCII digit is refused.
"""

import pytest

from backend.accounts import service as accounts
from tests.api.cases.helpers import GRID_A, submit
from tests.conftest import DEMO, error_code

PHONE = DEMO["resident"]  # 13800000001
FULL_WIDTH = "１３８０００００００１"
LOOK_ALIKES = [
    "1380000000١",  # the last digit Arabic-Indic
    "١٣٨٠٠٠٠٠٠٠١",  # all Arabic-Indic
    "۱۳۸۰۰۰۰۰۰۰۱",  # Extended Arabic-Indic (Persian)
    "१३८००००००००१",  # Devanagari
    "13800000０0१",  # mixed
    "𝟏𝟑𝟖𝟎𝟎𝟎𝟎𝟎𝟎𝟎𝟏",  # mathematical bold digits
]


async def test_full_width_digits_sign_in_to_the_ascii_account(client, sms):
    sent = await client.post("/api/v1/auth/otp", json={"phone": FULL_WIDTH})
    assert sent.status_code == 202 and sms.sent[-1]["phone"] == PHONE
    login = await client.post("/api/v1/auth/login", json={"phone": FULL_WIDTH, "code": sms.last_code(PHONE)})
    assert login.status_code == 200, login.text
    assert login.json()["user"]["id"] == (await accounts.find_by_phone(PHONE)).id


@pytest.mark.parametrize("phone", LOOK_ALIKES)
async def test_other_scripts_digits_are_refused_and_make_no_account(client, sms, phone):
    users = await accounts.count_users()
    for lang, message in (("zh-CN", "请输入正确的11位手机号码。"), ("zh-TW", "請輸入正確的11位手機號碼。")):
        sent = await client.post("/api/v1/auth/otp", json={"phone": phone}, headers={"Accept-Language": lang})
        assert sent.status_code == 400 and error_code(sent) == "auth.phone_invalid", sent.text
        assert sent.json()["error"]["message"] == message
    login = await client.post("/api/v1/auth/login", json={"phone": phone, "code": "123456"})
    assert login.status_code == 400 and error_code(login) == "auth.phone_invalid"
    assert sms.sent == []
    assert await accounts.count_users() == users


async def test_every_place_a_phone_is_typed_refuses_look_alikes(client, auth):
    users = await accounts.count_users()
    phone = "1395555000١"
    admin, worker, resident = await auth.role("admin"), await auth.role("grid_worker"), await auth.role("resident")
    created = await client.post("/api/v1/users", json={"phone": phone, "region": GRID_A}, headers=admin)
    assert created.status_code == 400 and error_code(created) == "auth.phone_invalid"
    linked = await client.post("/api/v1/family-links", json={"phone": phone, "relation": "儿子"}, headers=resident)
    assert linked.status_code == 400 and error_code(linked) == "auth.phone_invalid"
    proxied = await submit(client, worker, resident_phone=phone, identity_check="home_visit")
    assert proxied.status_code == 400 and error_code(proxied) == "auth.phone_invalid"
    assert await accounts.count_users() == users
    # The full-width number names the existing account everywhere.
    case = await submit(client, worker, resident_phone=FULL_WIDTH, identity_check="home_visit")
    assert case.status_code == 201 and case.json()["resident"]["name"] == "王秀英", case.text
    taken = await client.post("/api/v1/users", json={"phone": FULL_WIDTH, "region": GRID_A}, headers=admin)
    assert taken.status_code == 409 and error_code(taken) == "user.phone_taken"


async def test_a_phones_limit_counts_it_however_its_digits_are_written(client, sms):
    for _ in range(5):
        assert (await client.post("/api/v1/auth/otp", json={"phone": PHONE})).status_code == 202
    statuses = [
        (await client.post("/api/v1/auth/otp", json={"phone": spelling})).status_code
        for spelling in (FULL_WIDTH, "+86 138 0000 0001", "1380000000١", "1380000000۱")
    ]
    assert statuses == [429, 429, 400, 400]
    assert len(sms.sent) == 5
