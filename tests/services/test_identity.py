"""One identity model: validation, masking, hashing, and what the readers' events become."""

from __future__ import annotations

from datetime import date

import pytest

from devices.idcard.port import CardLeft, CardRead, IdCardText, ReadFailed
from devices.smartcard.port import CardPresented, SocialSecurityCard
from kiosk.services.identity import (
    IdentityError,
    identity_from_id_card,
    identity_from_social_security,
    mask_name,
)
from kiosk.services.identity_source import (
    BadgePresented,
    IdentityPresented,
    IdentityRefused,
    IdentitySource,
)
from kiosk.services.keys import KeyedHash

TODAY = date(2026, 11, 21)
KEYED = KeyedHash(b"k" * 32)


def card(**changes):
    fields = dict(card_type="resident", name="张小三", sex="1", nation_code="01",
                  birth=date(1949, 12, 31), address="北京市东城区某街1号",
                  id_number="11010519491231002X", authority="北京市公安局东城分局",
                  valid_from=date(2016, 1, 1), valid_to=None)
    fields.update(changes)
    return IdCardText(**fields)


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("张小三", "张*三"),
                                              ("欧阳小锋", "欧**锋"), ("Anna Li", "A***"),
                                              ("", "")])
def test_names_are_masked(name, masked):
    assert mask_name(name) == masked


def test_a_valid_card_becomes_an_identity():
    identity = identity_from_id_card(card(), TODAY)
    assert identity.masked_name == "张*三"
    assert identity.masked_id_number == "1101**********002X"
    assert identity.nation == "汉"
    assert identity.age(TODAY) == 76
    assert "张小三" not in repr(identity)
    assert "11010519491231002X" not in repr(identity)
    assert identity.keyed_hash(KEYED) == KEYED("id-number", "11010519491231002X")


def test_age_turns_on_the_birthday():
    identity = identity_from_id_card(card(), TODAY)
    assert identity.age(date(2026, 12, 30)) == 76
    assert identity.age(date(2026, 12, 31)) == 77


@pytest.mark.parametrize(("changes", "code"), [
    ({"id_number": "110105194912310021"}, "invalid_number"),      # wrong check digit
    ({"id_number": "11010519491331002X"}, "invalid_number"),      # month 13
    ({"birth": date(1950, 1, 1)}, "birth_mismatch"),
    ({"valid_to": date(2026, 1, 1)}, "expired"),
    ({"card_type": "foreign"}, "unsupported"),
])
def test_a_card_that_fails_validation_is_never_an_identity(changes, code):
    with pytest.raises(IdentityError) as error:
        identity_from_id_card(card(**changes), TODAY)
    assert error.value.code == code


def test_a_residence_permit_for_hong_kong_macao_taiwan_residents():
    # 81/82/83 prefixes carry the same check digit rule.
    number = "810000199001010008"
    from kiosk.services.identity_numbers import check_digit

    number = number[:17] + check_digit(number[:17])
    identity = identity_from_id_card(card(card_type="hk_mo_tw", id_number=number,
                                          birth=date(1990, 1, 1), nation_code=""), TODAY)
    assert identity.card_type == "hk_mo_tw"
    assert identity.nation is None


def test_social_security_card():
    ssc = SocialSecurityCard(card_number="A12345678", id_number="11010519491231002X",
                             name="张小三", sex="1")
    identity = identity_from_social_security(ssc, TODAY)
    assert identity.source == "social_security"
    assert identity.birth == date(1949, 12, 31)


def test_reader_events_become_identity_events():
    source = IdentitySource(KEYED, today=lambda: TODAY)
    seen = []
    source.subscribe(seen.append)
    source.id_card_event(CardRead(card(), b"\0" * 1024))
    source.id_card_event(CardRead(card(id_number="110105194912310021"), b"\0" * 1024))
    source.id_card_event(ReadFailed("select_failed", "select failed"))
    source.id_card_event(CardLeft())
    source.smartcard_event(CardPresented("r", b"", bytes.fromhex("04A1B2"), kind="badge"))
    source.smartcard_event(CardPresented("r", b"", None, kind="unknown"))
    assert isinstance(seen[0], IdentityPresented)
    assert seen[1:3] == [IdentityRefused("invalid_number"), IdentityRefused("select_failed")]
    assert seen[3] == BadgePresented(KEYED("staff-badge", "04a1b2"))
    assert seen[4] == IdentityRefused("unreadable")
