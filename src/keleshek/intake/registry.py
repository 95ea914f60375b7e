"""Registry definitions as data: a registry is a model plus a list of columns.

Each column says how a spreadsheet cell becomes a database value: its file key, its headers in
Russian, Kazakh and English, a type (a converter that raises ``CellError``), whether it is
required, which reference it resolves (KATO -> territory, BIN -> institution, code -> specialty…)
and how it is read back for export. The import pipeline (``pipeline.py``), templates and exports
(``writers.py``) are generic over these definitions: adding a registry is one definition.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from keleshek.core import spreadsheets
from keleshek.core.ids import IdentifierError, parse_bin, parse_iin, parse_kato
from keleshek.core.links import web_link


class CellError(Exception):
    """A cell that cannot be accepted; ``code`` selects the translated message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


# Messages by code, in English (the source language); the UI translates them.
MESSAGES: dict[str, Any] = {
    "required": _("a value is required"),
    "too_long": _("longer than %(max)s characters"),
    "web_link": _("a web address must start with http:// or https://"),
    "integer": _("must be a whole number"),
    "number": _("must be a number"),
    "min": _("must be at least %(min)s"),
    "max": _("must be at most %(max)s"),
    "decimal_places": _("at most %(places)s digits after the decimal point"),
    "bool": _("must be yes or no (1/0)"),
    "date": _("not a date: use YYYY-MM-DD or DD.MM.YYYY"),
    "impossible_date": _("impossible date"),
    "date_range": _("date out of the allowed range (%(min)s – %(max)s)"),
    "datetime": _("not a date and time: use YYYY-MM-DD HH:MM"),
    "choice": _("unknown value; allowed: %(allowed)s"),
    "iin_format": _("IIN must be exactly 12 digits"),
    "iin_check_digit": _("IIN check digit does not match"),
    "iin_unissuable": _("no valid check digit exists for this IIN"),
    "iin_date": _("IIN digits 1–6 are not a real date"),
    "iin_century": _("IIN digit 7 must be 0–6"),
    "bin_format": _("BIN must be exactly 12 digits"),
    "bin_check_digit": _("BIN check digit does not match"),
    "bin_unissuable": _("no valid check digit exists for this BIN"),
    "bin_date": _("BIN digits 3–4 are not a month"),
    "bin_entity_type": _("BIN digit 5 must be 4, 5 or 6"),
    "kato_format": _("KATO code must be exactly 9 digits"),
    "kato_parent": _(
        "the code does not start with %(prefix)s, the significant digits of its parent %(parent)s"
    ),
    "unknown_ref": _("unknown %(what)s: %(value)s"),
    "duplicate": _("duplicate of row %(row)s (same %(key)s)"),
    "out_of_scope": _("outside your area of responsibility"),
    "not_in_scope_existing": _("this record belongs to another area; you may not change it"),
    # what a user with a scope reads for both of the above and for an unknown reference
    "not_found_in_scope": _("%(value)s: not found in your area of responsibility"),
    "formula": _("a formula, not a value: paste values only"),
    "ragged": _("the row has %(got)s cells, the header has %(expected)s"),
    "encoding": _("the row is not valid text in the file's encoding"),
    "iin_birth_date": _("birth date does not match the IIN (%(iin_date)s)"),
    "iin_sex": _("sex does not match the IIN"),
    "launch_after_year": _("launched after the year it is offered"),
    "employer_without_dual": _("an employer is set but not dual training"),
    "grades_order": _("last grade is before the first"),
    "ends_before_start": _("ends before it starts"),
    "amount_currency": _("an amount needs a currency"),
    "rate_needed": _("a foreign-currency amount needs a KZT rate"),
    "commissioned_date": _("a commissioned project needs its commissioning date"),
    "date_not_commissioned": _("has a commissioning date but is not commissioned"),
    "future_date": _("date is in the future"),
    "parent_order": _("the parent %(value)s must exist or come earlier in the file"),
    "uuid": _("not an internal id: leave it empty for a new record"),
    "key_conflict": _("%(what)s %(value)s belongs to another record"),
    "transition_back": _("%(value)s: this stage cannot be left once reached"),
    "frozen": _("cannot change once the stage is %(value)s (stored: %(stored)s)"),
}

# Cells starting with these are neutralised on export with a leading apostrophe (formula
# injection); the import strips that apostrophe again so that export -> import is a round trip.
# One rule for every spreadsheet the product writes: ``core.spreadsheets`` (ADR 0130).
FORMULA_PREFIXES = spreadsheets.FORMULA_PREFIXES
neutralise = spreadsheets.neutralise
unneutralise = spreadsheets.unneutralise


def _text_of(raw: Any) -> str:
    if type(raw) is str:
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


# --- column types -------------------------------------------------------------------------


@dataclass(frozen=True)
class ColType:
    """Converts one non-empty cell into the value stored in the database."""

    name: str

    def convert(self, raw: Any) -> Any:
        raise NotImplementedError

    def export(self, value: Any) -> Any:
        """The cell value written on export (round-trips through ``convert``)."""
        return "" if value is None else value

    def describe(self) -> str:
        return self.name


@dataclass(frozen=True)
class Text(ColType):
    name: str = "text"
    max_length: int = 300

    def convert(self, raw: Any) -> Any:
        value = unneutralise(_text_of(raw))
        if len(value) > self.max_length:
            raise CellError("too_long", max=self.max_length)
        return value

    def export(self, value: Any) -> Any:
        return neutralise(value or "")


@dataclass(frozen=True)
class WebLink(Text):
    """A link shown to others: an absolute http(s) address or nothing (ADR 0137)."""

    name: str = "web link"
    max_length: int = 200

    def convert(self, raw: Any) -> Any:
        value = super().convert(raw)
        if value and web_link(value) is None:
            raise CellError("web_link")
        return value


@dataclass(frozen=True)
class Integer(ColType):
    name: str = "integer"
    min: int | None = 0
    max: int | None = 2_147_483_647

    def convert(self, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise CellError("integer")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float):
            if not raw.is_integer():
                raise CellError("integer")
            value = int(raw)
        else:
            text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
            if not re.fullmatch(r"[-+]?\d{1,18}", text):
                raise CellError("integer")
            value = int(text)
        if self.min is not None and value < self.min:
            raise CellError("min", min=self.min)
        if self.max is not None and value > self.max:
            raise CellError("max", max=self.max)
        return value


@dataclass(frozen=True)
class Dec(ColType):
    name: str = "decimal"
    places: int = 2
    max_digits: int = 18
    min: Decimal | None = Decimal(0)
    max: Decimal | None = None

    def convert(self, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise CellError("number")
        text = _text_of(raw).replace(" ", "").replace("\u00a0", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError("number") from None
        if not value.is_finite():
            raise CellError("number")
        if isinstance(raw, float):
            value = value.quantize(Decimal(1).scaleb(-self.places))
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            raise CellError("decimal_places", places=self.places)
        if abs(value) >= Decimal(10) ** (self.max_digits - self.places):
            raise CellError("max", max=Decimal(10) ** (self.max_digits - self.places))
        if self.min is not None and value < self.min:
            raise CellError("min", min=self.min)
        if self.max is not None and value > self.max:
            raise CellError("max", max=self.max)
        return str(value.quantize(Decimal(1).scaleb(-self.places)))

    def export(self, value: Any) -> Any:
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Float(ColType):
    name: str = "number"
    min: float | None = None
    max: float | None = None

    def convert(self, raw: Any) -> Any:
        if isinstance(raw, bool):
            raise CellError("number")
        if isinstance(raw, int | float):
            value = float(raw)
        else:
            try:
                value = float(str(raw).strip().replace(",", "."))
            except ValueError:
                raise CellError("number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("number")
        if self.min is not None and value < self.min:
            raise CellError("min", min=self.min)
        if self.max is not None and value > self.max:
            raise CellError("max", max=self.max)
        return value

    def export(self, value: Any) -> Any:
        return "" if value is None else repr(float(value))


_TRUE = {"1", "true", "yes", "y", "да", "д", "иә", "ия", "и", "+"}
_FALSE = {"0", "false", "no", "n", "нет", "н", "жоқ", "ж", "-"}


@dataclass(frozen=True)
class Bool(ColType):
    name: str = "yes/no"

    def convert(self, raw: Any) -> Any:
        if isinstance(raw, bool):
            return raw
        text = _text_of(raw).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise CellError("bool")

    def export(self, value: Any) -> Any:
        return "1" if value else "0"


_DATE_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not 1 <= raw < 2_958_466:
            raise CellError("date")
        return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
    text = _text_of(raw)
    if len(text) > 10 and text[10] in " T" and text[11:].strip(":0 ") == "":
        text = text[:10]  # "2025-09-01 00:00:00" from a date cell
    m = _DATE_ISO.fullmatch(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DATE_DMY.fullmatch(text)
        if not m:
            raise CellError("date")
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise CellError("impossible_date") from None


@dataclass(frozen=True)
class Date(ColType):
    name: str = "date"
    min: dt.date = dt.date(1900, 1, 1)
    max: dt.date = dt.date(2100, 12, 31)

    def convert(self, raw: Any) -> Any:
        value = _parse_date(raw)
        if not self.min <= value <= self.max:
            raise CellError("date_range", min=self.min.isoformat(), max=self.max.isoformat())
        return value.isoformat()

    def export(self, value: Any) -> Any:
        if value is None:
            return ""
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


@dataclass(frozen=True)
class DateTime(ColType):
    name: str = "date and time"

    def convert(self, raw: Any) -> Any:
        from django.utils import timezone

        if isinstance(raw, dt.datetime):
            value = raw
        else:
            text = _text_of(raw).replace("T", " ")
            try:
                value = dt.datetime.fromisoformat(text)
            except ValueError:
                raise CellError("datetime") from None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        from django.db import connection

        # stored exactly as Django stores it (SQLite: naive UTC text), so that comparing with
        # the database finds unchanged rows unchanged
        return connection.ops.adapt_datetimefield_value(value)

    def export(self, value: Any) -> Any:
        from django.utils import timezone

        if value is None:
            return ""
        return timezone.localtime(value).isoformat(sep=" ")


@dataclass(frozen=True)
class Choice(ColType):
    name: str = "code"
    choices: tuple[str, ...] = ()
    aliases: tuple[tuple[str, str], ...] = ()  # old code -> code (a renamed or merged value)

    def convert(self, raw: Any) -> Any:
        text = _text_of(raw)
        if isinstance(raw, float) and raw.is_integer():
            text = str(int(raw))
        text = dict(self.aliases).get(text.lower(), text)
        if text in self.choices:
            return text
        lowered = text.lower()
        for c in self.choices:
            if c.lower() == lowered:
                return c
        raise CellError("choice", allowed=", ".join(self.choices))

    def describe(self) -> str:
        return ", ".join(self.choices)


@dataclass(frozen=True)
class IntChoice(Choice):
    def convert(self, raw: Any) -> Any:
        return int(super().convert(raw))

    def export(self, value: Any) -> Any:
        return "" if value is None else str(value)


@dataclass(frozen=True)
class ChoiceList(ColType):
    """Several codes separated by ';' (e.g. languages "kk;ru"); stored as a JSON list."""

    name: str = "codes separated by ;"
    choices: tuple[str, ...] = ()

    def convert(self, raw: Any) -> Any:
        items = [p.strip() for p in re.split(r"[;,]", _text_of(raw)) if p.strip()]
        for item in items:
            if self.choices and item not in self.choices:
                raise CellError("choice", allowed=", ".join(self.choices))
        # json.dumps' defaults, as Django's JSONField writes them (compared as text on SQLite)
        return json.dumps(list(dict.fromkeys(items)))

    def export(self, value: Any) -> Any:
        if isinstance(value, str):
            value = json.loads(value)
        return ";".join(value or [])


@dataclass(frozen=True)
class Iin(ColType):
    name: str = "IIN"

    def convert(self, raw: Any) -> Any:
        text = _text_of(raw)
        try:
            return parse_iin(text).iin
        except IdentifierError as exc:
            raise CellError(f"iin_{exc.code}") from None


@dataclass(frozen=True)
class Uuid(ColType):
    """A record's internal id (a UUID): written by the export so that records without a
    natural identifier (a pupil without an IIN) come back to themselves."""

    name: str = "internal id"

    def convert(self, raw: Any) -> Any:
        # 32 hexadecimal digits; case, hyphens and braces do not matter (as the fast path)
        text = re.sub(r"[{}-]", "", _text_of(raw)).lower()
        if not re.fullmatch(r"[0-9a-f]{32}", text):
            raise CellError("uuid")
        return text

    def export(self, value: Any) -> Any:
        return "" if value is None else str(uuid.UUID(str(value)))

    @staticmethod
    def new() -> str:
        return uuid.uuid4().hex


@dataclass(frozen=True)
class Bin(ColType):
    name: str = "BIN"

    def convert(self, raw: Any) -> Any:
        try:
            return parse_bin(_text_of(raw)).bin
        except IdentifierError as exc:
            raise CellError(f"bin_{exc.code}") from None


@dataclass(frozen=True)
class KatoCode(ColType):
    name: str = "KATO"

    def convert(self, raw: Any) -> Any:
        try:
            return parse_kato(_text_of(raw)).code
        except IdentifierError:
            raise CellError("kato_format") from None


@dataclass(frozen=True)
class Code(ColType):
    """An identifier-like text: specialty, partner or project code, slug."""

    name: str = "code"
    max_length: int = 60
    pattern: str = r"[\w.\-]+"

    def convert(self, raw: Any) -> Any:
        text = _text_of(raw)
        if len(text) > self.max_length:
            raise CellError("too_long", max=self.max_length)
        if not re.fullmatch(self.pattern, text):
            raise CellError("choice", allowed=self.pattern)
        return text


# --- references --------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A reference resolved by a natural key: file value -> (id, territory path, institution)."""

    model: str  # "app_label.Model"
    key_field: str  # e.g. "kato", "bin", "code"
    what: Any  # human word for messages: _("settlement KATO")
    path_lookup: str | None = None  # ORM path to Territory.path, for scope checks
    institution_lookup: str | None = None  # ORM path to an Institution id ("pk" for itself)
    parent_institution_lookup: str | None = None  # the host institution id, if any


@dataclass(frozen=True)
class RefInfo:
    pk: int | None  # None: a row earlier in this file, not yet written
    path: str | None
    institution_id: int | None
    parent_institution_id: int | None


# --- columns and registries ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    headers: dict[str, str]  # {"ru": ..., "kk": ..., "en": ...}
    type: ColType
    required: bool = False
    attr: str | None = None  # model attname, default: key (or key + "_id" for refs)
    ref: Ref | None = None
    m2m: str | None = None  # model M2M field name; the cell lists keys separated by ';'
    self_ref: bool = False  # reference to the registry's own model (parent)
    default: Any = None  # stored when the cell is blank (None = NULL)
    example: Any = ""
    export_lookup: str | None = None  # ORM lookup for export (default: attr, or ref path)
    help: Any = ""
    # the personal field this column carries (``accounts.privacy.Field``): exports show it in
    # clear, masked or not at all as the policy says for the exporting user (ADR 0132)
    personal: str | None = None

    @property
    def db_attr(self) -> str:
        if self.attr:
            return self.attr
        return f"{self.key}_id" if (self.ref and not self.m2m) else self.key

    @property
    def lookup(self) -> str:
        if self.export_lookup:
            return self.export_lookup
        if self.ref and not self.m2m:
            return f"{self.key}__{self.ref.key_field}"
        return self.db_attr

    def header(self, lang: str) -> str:
        return self.headers.get(lang) or self.headers["en"]


RowCheck = Callable[[dict[str, Any]], list[tuple[str, str, dict[str, Any]]]]


@dataclass(frozen=True)
class Transition:
    """A change that carries meaning in the domain — a project becoming commissioned — so the
    generic merge does not write it: a row that reaches ``value`` in ``column`` is written with
    ``column`` as stored (``before`` for a new row) and the ``held`` columns as stored (blank for
    a new row); then ``apply(object id, row values, actor)``, the domain's service, makes the
    change with all its effects in the same transaction. Once reached, ``value`` cannot be left
    and the ``frozen`` columns cannot change through an import (the row is refused)."""

    column: str
    value: str
    before: str
    apply: Callable[[int, dict[str, Any], Any], None]
    held: tuple[str, ...] = ()
    frozen: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChildSet:
    """A set of codes per row kept in a child table (pupil categories): rows for codes that
    appear are added, active rows for codes that disappear are closed (the day before the
    import). A new row's period is the row's ``start_column``/``end_column`` cells when the file
    carries them, else from ``default_start(import day)`` with an open end (ADR 0157)."""

    column: str  # column key in the file
    model: str  # "support.PupilCategory"
    fk_attr: str  # "pupil_id"
    value_attr: str  # "category"
    start_attr: str  # "valid_from"
    end_attr: str  # "valid_to"
    start_column: str | None = None  # a file column giving the codes' start (a date)
    end_column: str | None = None  # a file column giving the codes' end (a date)
    default_start: Callable[[dt.date], dt.date] | None = None  # None: the import day
    fixed: tuple[tuple[str, Any], ...] = ()  # attrs every new row gets (its source)

    @property
    def date_columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.start_column, self.end_column) if c)


@dataclass(frozen=True)
class Registry:
    name: str
    label: Any
    model_label: str
    columns: Sequence[Column]
    natural_key: tuple[str, ...]
    # The column whose reference gives the row's territory / institution for scope checks,
    # or "self" when the row's own key does (territory, institution registries).
    scope_column: str | None = None
    # For scope checks of existing rows when the scope column is not part of the key.
    scope_territory_lookup: str | None = None
    scope_institution_lookup: str | None = None
    row_checks: Sequence[RowCheck] = ()
    derive: Callable[[dict[str, Any]], None] | None = None  # computed attrs (path, name_key…)
    derived_attrs: tuple[str, ...] = ()
    # The columns ``derive`` reads: when the file leaves one out, an existing row's stored
    # value is used (so a derived field never disagrees with the row it is stored in).
    derive_inputs: tuple[str, ...] = ()
    # A unique column that finds an existing row when the natural key's cell is blank (a
    # pupil's IIN for its internal id); a row found by neither gets a new key (``Uuid.new``).
    alt_key: str | None = None
    transitions: Sequence[Transition] = ()
    child_set: ChildSet | None = None
    # (territory lookup, institution lookup) for ``scope_queryset`` on export; None: reference
    # data any staff member may export.
    export_scope: tuple[str | None, str | None] | None = None
    personal: bool = False  # personal data: export audited as such, masked in previews
    description: Any = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.model_label)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def scalar_columns(self) -> list[Column]:
        child = self.child_set
        own = {child.column, *child.date_columns} if child else set()
        return [c for c in self.columns if not c.m2m and c.key not in own]

    @property
    def nk_attrs(self) -> list[str]:
        return [self.column(k).db_attr for k in self.natural_key]
