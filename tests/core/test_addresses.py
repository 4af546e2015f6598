"""core.addresses with internationalised addresses (RFC 6532, issue 21): a well-formed one
has a normal form; what only stands in for ASCII, hides characters or is too long has none.
Before the fix every non-ASCII local part was refused."""

import pytest
from django.core.exceptions import ValidationError

from core.addresses import address_key, needs_smtputf8, validate_address_key


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("jdöe@mächine.example", "jdöe@xn--mchine-bua.example"),
        ("jörg@müller.example", "jörg@xn--mller-kva.example"),
        ("JÖRG@Müller.example", "jörg@xn--mller-kva.example"),  # one case, as for ASCII
        ("jo\u0308rg@xn--mller-kva.example", "jörg@xn--mller-kva.example"),  # NFD ö, punycode
        ("strauß@bücher.de", "strauß@xn--bcher-kva.de"),  # ß upper-cases to SS: no stand-in
        ("δοκιμή@παράδειγμα.δοκιμή", "δοκιμή@xn--hxajbheg2az3al.xn--jxalpdlp"),
        ("用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"),
        ("Dörte.O'Neil+bill@example.com", "dörte.o'neil+bill@example.com"),
    ],
)
def test_an_internationalised_address_has_one_normal_form(address, key):
    assert address_key(address) == key
    assert address_key(key) == key


@pytest.mark.parametrize(
    "address",
    [
        "ſam@example.com",  # upper-cases to S
        "bıb@x.org",  # dotless ı upper-cases to I
        "\u212aim@x.org",  # the Kelvin sign: NFC makes it K
        "\u0130da@x.org",  # İ lower-cases to i and a combining dot
        "ｊörg@x.org",  # full width
        "\ufb01ona@x.org",  # the ligature ﬁ
        "pаypal@x.org",  # a Cyrillic а among Latin letters
        "jörg@xn--pypal-4ve.com",  # the same mix, in punycode
        "jö\u202erg@x.org",  # a right-to-left override
        "jö\u200drg@x.org",  # a zero-width joiner
        "jö\r\nBcc: victim@x.org@x.org",  # header injection
        "jö\x00rg@x.org",
        "j\ufffdrg@x.org",  # bytes an 8-bit header could not give
        "a\x01b@x.org",  # a control character in an ASCII address too
        "jö rg@x.org",  # no dot-atom
        '"jö"@x.org',
        ".jörg@x.org",
        "jö..rg@x.org",
        "jö\u3000rg@x.org",  # an ideographic space
        "ö" * 33 + "@x.org",  # 66 octets before the @
        "jörg@" + "ü" * 64 + ".example",  # a label IDNA cannot encode
        "a@" + ("b" * 50 + ".") * 5 + "example",  # over 254 characters
    ],
)
def test_malformed_or_look_alike_addresses_have_no_normal_form(address):
    with pytest.raises(ValueError):
        address_key(address)


def test_only_a_non_ascii_local_part_needs_smtputf8():
    assert needs_smtputf8("jörg@müller.example")
    assert not needs_smtputf8("joerg@müller.example")  # the domain is IDNA-encoded instead
    assert not needs_smtputf8("ada@example.com")


def test_forms_still_ask_for_an_address_every_mail_server_can_reach():
    with pytest.raises(ValidationError, match="plain letters"):
        validate_address_key("jörg@müller.example")
    with pytest.raises(ValidationError, match="valid email address"):
        validate_address_key("a\x01b@example.com")
    validate_address_key("joerg@müller.example")
