"""What the config schema says about itself: fields, bounds, units, and readable errors.

The settings page, `turnstile config`, the generated reference and the error messages all read
the schema through these helpers, so none of them keeps its own copy of a range or a choice.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo

from turnstile.errors import TurnstileError


class ConfigError(TurnstileError, ValueError):
    """The configuration file is unreadable, has an unknown key or a value out of range."""


M = TypeVar("M", bound="Section")


class Section(BaseModel):
    """A frozen config table: unknown keys, wrong types, inf/NaN and out-of-range values fail
    (pydantic's ValidationError when built in code; `from_dict` and `replace` turn it into a
    ConfigError that names the key)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False)


def replace(model: M, **changes: Any) -> M:
    """A validated copy of `model` with some fields changed (dataclasses.replace for sections)."""
    values = {name: getattr(model, name) for name in type(model).model_fields}
    try:
        return type(model)(**{**values, **changes})
    except ValidationError as exc:
        raise ConfigError(describe(exc, type(model), type(model).__name__)) from None


def num(default: float, low: float, high: float, unit: str, doc: str, *,
        low_open: bool = False, high_open: bool = False) -> Any:
    """A bounded numeric field: [low, high], either end open, with its unit and description."""
    return Field(default, description=doc, json_schema_extra={"unit": unit},
                 ge=None if low_open else low, gt=low if low_open else None,
                 le=None if high_open else high, lt=high if high_open else None)


def text(default: str, doc: str, **kwargs: Any) -> Any:
    return Field(default, description=doc, **kwargs)


@dataclass(frozen=True)
class Bounds:
    """The closed or open range of a numeric field, as the schema declares it."""

    low: float
    high: float
    low_open: bool
    high_open: bool
    unit: str

    def between(self) -> str:
        """ "0 and 1", with "(excluded)" after an open end."""
        low = f"{self.low:g}" + (" (excluded)" if self.low_open else "")
        high = f"{self.high:g}" + (" (excluded)" if self.high_open else "")
        unit = f" {self.unit}" if self.unit else ""
        return f"{low} and {high}{unit}"

    def describe(self) -> str:
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"{left}{self.low:g}, {self.high:g}{right}" + (f" {self.unit}" if self.unit else "")


@dataclass(frozen=True)
class Leaf:
    """One settable key: its dotted name, the section class and the field's schema."""

    key: str
    section: type[BaseModel]
    name: str
    info: FieldInfo

    @property
    def kind(self) -> type:
        """bool, int, float, str or tuple (a list in TOML)."""
        hint = self.info.annotation
        if typing.get_origin(hint) is Literal:
            return str
        if typing.get_origin(hint) is tuple:
            return tuple
        return hint if isinstance(hint, type) else str

    @property
    def choices(self) -> tuple[str, ...]:
        hint = self.info.annotation
        return tuple(typing.get_args(hint)) if typing.get_origin(hint) is Literal else ()

    @property
    def bounds(self) -> Bounds | None:
        return field_bounds(self.info)

    @property
    def doc(self) -> str:
        return self.info.description or ""


def field_bounds(info: FieldInfo) -> Bounds | None:
    """The numeric range declared on a field (None for text, choices and switches)."""
    low: Any = None
    high: Any = None
    low_open = high_open = False
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge):
            low = item.ge
        elif isinstance(item, annotated_types.Gt):
            low, low_open = item.gt, True
        elif isinstance(item, annotated_types.Le):
            high = item.le
        elif isinstance(item, annotated_types.Lt):
            high, high_open = item.lt, True
    if low is None or high is None:
        return None
    extra = info.json_schema_extra
    unit = str(extra.get("unit", "")) if isinstance(extra, dict) else ""
    return Bounds(float(low), float(high), low_open, high_open, unit)


def leaves(model: type[BaseModel], prefix: str = "") -> Iterator[Leaf]:
    """Every settable key of the schema, in declaration order, nested tables expanded."""
    for name, info in model.model_fields.items():
        hint = info.annotation
        if isinstance(hint, type) and issubclass(hint, BaseModel):
            yield from leaves(hint, f"{prefix}{name}.")
        else:
            yield Leaf(f"{prefix}{name}", model, name, info)


def leaf(model: type[BaseModel], key: str) -> Leaf:
    """The schema of one dotted key; ConfigError for a key the schema does not have."""
    for item in leaves(model):
        if item.key == key:
            return item
    raise ConfigError(f"unknown setting {key}")


def _section_of(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    for part in loc:
        if not isinstance(part, str):
            break
        info = model.model_fields.get(part)
        hint = info.annotation if info else None
        if not (isinstance(hint, type) and issubclass(hint, BaseModel)):
            break
        model = hint
    return model


_TYPE_WORDS = {"int": "integers", "str": "strings"}


def _message(model: type[BaseModel], error: Any, where: str) -> str:
    loc = tuple(p for p in error["loc"] if isinstance(p, str))
    kind = error["type"]
    section = _section_of(model, loc)
    field = section.model_fields.get(loc[-1]) if loc else None
    if kind == "extra_forbidden":
        parent = _section_of(model, loc[:-1])
        head = ".".join(loc[:-1]) or where
        return (f"{head}: unknown key(s) {loc[-1]}; known: "
                f"{', '.join(parent.model_fields)}")
    key = ".".join(loc) or where
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal") \
            and field is not None and (bounds := field_bounds(field)) is not None:
        return f"{key} must be between {bounds.between()}, not {error['input']!r}"
    if kind == "value_error":  # the schema's own validators name their keys in full
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "finite_number":
        return f"{key} must be a finite number, not {error['input']!r}"
    if kind == "bool_type":
        return f"{key} must be true or false, not {error['input']!r}"
    if kind in ("model_type", "model_attributes_type", "dataclass_type"):
        return f"{key} must be a table, not {error['input']!r}"
    if kind == "literal_error":
        return f"{key} must be one of {error['ctx']['expected']}, not {error['input']!r}"
    hint = field.annotation if field is not None else None
    if typing.get_origin(hint) is tuple or (loc and isinstance(error["loc"][-1], int)):
        element = typing.get_args(hint)[0] if hint is not None else str
        word = _TYPE_WORDS.get(getattr(element, "__name__", ""), "values")
        return f"{key} must be a list of {word}, not {error['input']!r}"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        name = getattr(hint, "__name__", kind.removesuffix("_type"))
        return f"{key} must be of type {name}, not {error['input']!r}"
    return f"{key}: {error['msg']}"


def describe(exc: ValidationError, model: type[BaseModel], where: str) -> str:
    """One line per problem, each naming the dotted key."""
    return "; ".join(_message(model, error, where) for error in exc.errors())
