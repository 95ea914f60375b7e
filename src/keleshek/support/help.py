"""The fund's help records made from what is already stored (ADR 0155): each paid payment line
becomes cash help, each delivery of the fund's programme that no application paid — the
uniforms and shoes handed out in kind before the law paid cash — becomes help in kind with its
value. Called by migration 0008 with the historical models and by tests with the live ones;
idempotent (a line or delivery that already has its record is skipped), so running it again
after a partial run or a reverse-and-forward gives the same rows."""

from __future__ import annotations

from typing import Any

BATCH = 2_000


def help_from_records(apps: Any) -> tuple[int, int]:
    """Create the missing help records; returns (cash, in kind) rows created."""
    FundHelp = apps.get_model("support", "FundHelp")
    PaymentLine = apps.get_model("support", "PaymentLine")
    Delivery = apps.get_model("support", "Delivery")
    fund_deliveries = Delivery.objects.filter(
        membership__programme__funded_by_school_fund=True
    ) | Delivery.objects.filter(membership__programme__kind="uniform")
    # The delivery register_mark_paid wrote for a paid line names the application.
    paid_delivery: dict[tuple[int, str], int] = {}
    for pk, pupil_id, items in fund_deliveries.filter(fund_help__isnull=True).values_list(
        "pk", "membership__pupil_id", "items"
    ):
        number = items.get("application") if isinstance(items, dict) else None
        if number:
            paid_delivery[(pupil_id, str(number))] = pk
    used: set[int] = set(paid_delivery.values())
    cash = in_kind = 0
    rows: list[Any] = []

    def flush() -> None:
        if rows:
            FundHelp.objects.bulk_create(rows)
            rows.clear()

    lines = PaymentLine.objects.filter(paid_on__isnull=False, help__isnull=True).values_list(
        "pk",
        "application__pupil_id",
        "application__school_id",
        "application__year",
        "application__number",
        "amount",
        "paid_on",
        "is_synthetic",
    )
    for pk, pupil_id, school_id, year, number, amount, paid_on, synthetic in lines.iterator(
        chunk_size=BATCH
    ):
        rows.append(
            FundHelp(
                pupil_id=pupil_id,
                school_id=school_id,
                year=year,
                kind="cash",
                amount=amount,
                given_on=paid_on,
                line_id=pk,
                delivery_id=paid_delivery.get((pupil_id, number)),
                is_synthetic=synthetic,
            )
        )
        cash += 1
        if len(rows) >= BATCH:
            flush()
    flush()
    kinds = fund_deliveries.filter(fund_help__isnull=True).values_list(
        "pk",
        "membership__pupil_id",
        "membership__school_id",
        "membership__year",
        "amount",
        "delivered_on",
        "is_synthetic",
    )
    for pk, pupil_id, school_id, year, amount, delivered_on, synthetic in kinds.iterator(
        chunk_size=BATCH
    ):
        if pk in used:  # a paid line's delivery whose line is not marked paid: not help yet
            continue
        rows.append(
            FundHelp(
                pupil_id=pupil_id,
                school_id=school_id,
                year=year,
                kind="in_kind",
                amount=amount,
                given_on=delivered_on,
                delivery_id=pk,
                is_synthetic=synthetic,
            )
        )
        in_kind += 1
        if len(rows) >= BATCH:
            flush()
    flush()
    return cash, in_kind
