"""Wiegand card formats: bits, parity and ranges, against the formats' published layouts."""

from __future__ import annotations

import pytest

from turnstile.cards import FORMATS, CardBits, CardError, decode, encode


def reference(length: int, facility_bits: int, facility: int, number: int,
              even_bits: range, odd_bits: range) -> str:
    """The card as its data sheet describes it: bit 1 first, parity over 1-based bit ranges."""
    data = format(facility, f"0{facility_bits}b") if facility_bits else ""
    data += format(number, f"0{length - 2 - facility_bits}b")
    bits = "?" + data + "?"
    even = sum(bits[i - 1] == "1" for i in even_bits) % 2
    odd = 1 - sum(bits[i - 1] == "1" for i in odd_bits) % 2
    return f"{even}{data}{odd}"


@pytest.mark.parametrize(("name", "facility", "number", "layout"), [
    ("h10301", 1, 1, (26, 8, range(2, 14), range(14, 26))),
    ("h10301", 255, 65535, (26, 8, range(2, 14), range(14, 26))),
    ("h10301", 123, 45678, (26, 8, range(2, 14), range(14, 26))),
    ("h10306", 4321, 777, (34, 16, range(2, 18), range(18, 34))),
    ("h10306", 0, 65535, (34, 16, range(2, 18), range(18, 34))),
    ("h10302", 0, 34_359_738_367, (37, 0, range(2, 20), range(19, 37))),
    ("h10302", 0, 123_456_789, (37, 0, range(2, 20), range(19, 37))),
    ("h10304", 65535, 524_287, (37, 16, range(2, 20), range(19, 37))),
    ("h10304", 1000, 12345, (37, 16, range(2, 20), range(19, 37))),
])
def test_bits_match_the_data_sheet(name: str, facility: int, number: int,
                                   layout: tuple[int, int, range, range]) -> None:
    length, facility_bits, even_bits, odd_bits = layout
    bits = encode(name, facility, number)
    assert bits.length == length == FORMATS[name].length
    assert format(bits.value, f"0{length}b") == reference(length, facility_bits, facility,
                                                          number, even_bits, odd_bits)
    assert decode(name, CardBits.from_data(bits.data(), length)) == (facility, number)


def test_a_hand_checked_26_bit_card() -> None:
    # FC 1, card 1: even parity 1 (one set bit in bits 2-13), odd parity 0 (one in 14-25).
    bits = encode("h10301", 1, 1)
    assert bits.value == 0b1_00000001_0000000000000001_0
    assert bits.data() == bytes([0x80, 0x80, 0x00, 0x80])  # packed from the top bit


def test_a_flipped_bit_fails_parity() -> None:
    bits = encode("h10304", 1000, 12345)
    for position in (0, 5, 18, 30, 36):
        with pytest.raises(CardError, match="parity"):
            decode("h10304", CardBits(bits.value ^ (1 << position), bits.length))


@pytest.mark.parametrize(("name", "facility", "number", "message"), [
    ("h10301", 0, 65536, "card number 65536 does not fit H10301 .26-bit.: it must be 0 to 65535"),
    ("h10301", 256, 1, "facility code 256 does not fit H10301 .26-bit.: it must be 0 to 255"),
    ("h10306", 0, -1, "card number -1 does not fit"),
    ("h10302", 5, 1, "H10302 .37-bit, no facility code. carries no facility code"),
    ("h10302", 0, 2**35, "must be 0 to 34359738367"),
    ("h10304", 0, 524_288, "must be 0 to 524287"),
    ("wiegand", 0, 1, "unknown card format 'wiegand'"),
])
def test_numbers_out_of_range_are_refused_clearly(name: str, facility: int, number: int,
                                                  message: str) -> None:
    with pytest.raises(CardError, match=message):
        encode(name, facility, number)


def test_wrong_length_and_short_data_are_refused() -> None:
    with pytest.raises(CardError, match="26 bits is not H10304"):
        decode("h10304", encode("h10301", 1, 1))
    with pytest.raises(CardError, match="cannot hold 26 bits"):
        CardBits.from_data(b"\x00\x00", 26)
