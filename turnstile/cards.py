"""Wiegand card formats (HID H10301, H10306, H10302, H10304): card numbers to parity-checked bits.

Depends on nothing else of the package: the config checks facility codes with it, the admin
tools check card numbers with it and the OSDP reader encodes card reads with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnstile.errors import TurnstileError


class CardError(TurnstileError, ValueError):
    """A facility code or card number the format cannot carry, or bits that do not decode."""


@dataclass(frozen=True)
class WiegandFormat:
    """One format's layout: even parity bit, facility code, card number, odd parity bit.

    The parity spans are half-open ranges over the data bits (the bits between the two parity
    bits, numbered from the first one sent).
    """

    name: str
    title: str
    facility_bits: int
    number_bits: int
    even_span: tuple[int, int]
    odd_span: tuple[int, int]

    @property
    def length(self) -> int:
        return self.facility_bits + self.number_bits + 2

    @property
    def max_facility(self) -> int:
        return (1 << self.facility_bits) - 1

    @property
    def max_number(self) -> int:
        return (1 << self.number_bits) - 1

    def check(self, facility: int, number: int) -> None:
        """CardError naming the limit when the format cannot carry these numbers."""
        if self.facility_bits == 0 and facility != 0:
            raise CardError(f"{self.title} carries no facility code; set osdp.facility_code "
                            f"to 0, not {facility}")
        if not 0 <= facility <= self.max_facility:
            raise CardError(f"facility code {facility} does not fit {self.title}: it must "
                            f"be 0 to {self.max_facility}")
        if not 0 <= number <= self.max_number:
            raise CardError(f"card number {number} does not fit {self.title}: it must be "
                            f"0 to {self.max_number}")


#: Parity as HID defines it: even over the first half of the data bits, odd over the second
#: (the 37-bit formats' halves share their middle bit).
FORMATS: dict[str, WiegandFormat] = {
    "h10301": WiegandFormat("h10301", "H10301 (26-bit)", 8, 16, (0, 12), (12, 24)),
    "h10306": WiegandFormat("h10306", "H10306 (34-bit)", 16, 16, (0, 16), (16, 32)),
    "h10302": WiegandFormat("h10302", "H10302 (37-bit, no facility code)", 0, 35, (0, 18),
                            (17, 35)),
    "h10304": WiegandFormat("h10304", "H10304 (37-bit)", 16, 19, (0, 18), (17, 35)),
}


@dataclass(frozen=True)
class CardBits:
    """A card read as sent on the wire: `length` bits, the first one sent most significant."""

    value: int
    length: int

    def data(self) -> bytes:
        """The bits packed from the top of the first byte (OSDP raw card data)."""
        size = (self.length + 7) // 8
        return (self.value << (size * 8 - self.length)).to_bytes(size, "big")

    @classmethod
    def from_data(cls, data: bytes, length: int) -> CardBits:
        size = (length + 7) // 8
        if length <= 0 or len(data) < size:
            raise CardError(f"{len(data)} bytes cannot hold {length} bits")
        return cls(int.from_bytes(data[:size], "big") >> (size * 8 - length), length)


def card_format(name: str) -> WiegandFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise CardError(f"unknown card format {name!r}; choose one of "
                        f"{', '.join(FORMATS)}") from None


def _ones(data: int, width: int, span: tuple[int, int]) -> int:
    """Set bits among data bits span[0]..span[1]-1 (bit 0 sent first)."""
    start, end = span
    return bin((data >> (width - end)) & ((1 << (end - start)) - 1)).count("1")


def encode(name: str, facility: int, number: int) -> CardBits:
    """The card read for `number` in format `name`; CardError when it does not fit."""
    fmt = card_format(name)
    fmt.check(facility, number)
    width = fmt.length - 2
    data = (facility << fmt.number_bits) | number
    even = _ones(data, width, fmt.even_span) % 2  # makes the span's count even
    odd = 1 - _ones(data, width, fmt.odd_span) % 2  # makes the span's count odd
    return CardBits((even << (width + 1)) | (data << 1) | odd, fmt.length)


def decode(name: str, bits: CardBits) -> tuple[int, int]:
    """(facility code, card number) of a card read; CardError for a wrong length or parity."""
    fmt = card_format(name)
    if bits.length != fmt.length:
        raise CardError(f"{bits.length} bits is not {fmt.title}")
    width = fmt.length - 2
    data = (bits.value >> 1) & ((1 << width) - 1)
    even, odd = bits.value >> (width + 1), bits.value & 1
    if (even + _ones(data, width, fmt.even_span)) % 2 != 0:
        raise CardError(f"{fmt.title}: the even parity bit is wrong")
    if (odd + _ones(data, width, fmt.odd_span)) % 2 != 1:
        raise CardError(f"{fmt.title}: the odd parity bit is wrong")
    return data >> fmt.number_bits, data & fmt.max_number
