import msgspec
import pytest

from backend.idempotency.service import body_hash
from backend.lib.crypto import FieldCipher, keyed_hash, same

SECRET = "x" * 40


def test_field_round_trips_and_never_repeats_ciphertext():
    cipher = FieldCipher(SECRET)
    a, b = (
        cipher.encrypt("11010519491231002X", "user.id_number"),
        cipher.encrypt("11010519491231002X", "user.id_number"),
    )
    assert a != b and "1101" not in a
    assert cipher.decrypt(a, "user.id_number") == "11010519491231002X"


def test_ciphertext_is_bound_to_its_column_and_key():
    sealed = FieldCipher(SECRET).encrypt("secret", "user.id_number")
    with pytest.raises(ValueError, match="does not match the secret key"):
        FieldCipher(SECRET).decrypt(sealed, "other.column")
    with pytest.raises(ValueError, match="does not match the secret key"):
        FieldCipher("y" * 40).decrypt(sealed, "user.id_number")


def test_keyed_hash_depends_on_secret_and_purpose():
    assert keyed_hash(SECRET, "otp", "1") != keyed_hash(SECRET, "other", "1")
    assert keyed_hash(SECRET, "otp", "1") != keyed_hash("z" * 40, "otp", "1")
    assert same("abc", "abc") and not same("abc", "abd")


def test_request_hash_ignores_fields_left_at_their_default():
    class Old(msgspec.Struct):
        title: str
        note: str = ""

    class New(msgspec.Struct):
        title: str
        note: str = ""
        media: list[int] = []

    assert body_hash(Old(title="路灯")) == body_hash(New(title="路灯"))
    assert body_hash(New(title="路灯")) != body_hash(New(title="路灯", media=[1]))
    assert body_hash(Old(title="路灯", note="x")) != body_hash(Old(title="路灯"))
