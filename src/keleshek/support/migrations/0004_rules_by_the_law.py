"""Programmes' rules read against the current law (issue 17, ADR 0150): a programme paid from
the general-education fund names only the fund's five categories (large families and special
needs reach it through the collegial body's decision); free meals cover grades 1-4 and, in
grades 5-11, the children of the fund's categories. Rules are data: this rewrites stored rows,
and leaves a rule that no longer has the old shape as its author changed it."""

from typing import Any

from django.db import migrations

FUND = ["asp", "below_subsistence", "orphan", "emergency", "collegial_decision"]
OLD_MEALS = {"any": [{"grade_between": [1, 4]}, {"category_in": ["asp", "below_subsistence"]}]}
NEW_MEALS = {
    "any": [
        {"grade_between": [1, 4]},
        {"all": [{"grade_between": [5, 11]}, {"category_in": FUND}]},
    ]
}


def _fund_only(node: Any) -> Any:
    ((op, arg),) = node.items()
    if op in ("all", "any"):
        return {op: [_fund_only(c) for c in arg]}
    if op == "not":
        return {op: _fund_only(arg)}
    if op == "category_in":
        kept = [c for c in arg if c in FUND]
        return {op: kept or ["collegial_decision"]}
    return node


def forward(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("support", "Programme")
    for p in Programme.objects.all():
        rule = p.rule
        if p.kind == "meals" and rule == OLD_MEALS:
            rule = NEW_MEALS
        if p.funded_by_school_fund and rule:
            rule = _fund_only(rule)
        if rule != p.rule:
            p.rule = rule
            p.save(update_fields=["rule"])


class Migration(migrations.Migration):
    dependencies = [("support", "0003_collegial_decision_evidence")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
