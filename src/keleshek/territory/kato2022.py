"""The classifier's real codes for East Kazakhstan and the 2022 transfer (ADR 0160).

A data fix run by migration ``territory.0002``: rows are re-coded in place (their primary keys
and everything that points at them stay), their subtrees follow, paths are rebuilt. Written
against an app registry so that the migration (historical models) and the tests (the real
models) run the same code.

What it corrects (DOMAIN.md section 2):

* Markakol and Ulken Naryn carried made-up codes 637200000 and 637000000; the real ones are
  635500000 and 636300000 (and their okrugs and settlements follow the new prefix).
* The old East Kazakhstan codes of Kurchatov, Zharma and Urzhar were wrong.
* Every Abai-region successor code but Semey's was wrong.
* "Aksuat 634400000" (closed in 2022) took Zharma's real old code. Aksuat was no district of
  East Kazakhstan in 2022 (it was re-formed in Abai region that year), so that row is folded
  into the Abai region's Aksuat district: whatever pointed at it points there.
"""

from __future__ import annotations

from typing import Any

# old code -> the classifier's code; a unit's subtree moves with it (by significant digits)
RECODE: dict[str, str] = {
    "637200000": "635500000",  # Markakol district
    "637000000": "636300000",  # Ulken Naryn district
    "632600000": "632200000",  # Kurchatov city administration (history)
    "634200000": "634400000",  # Zharma district (history)
    "636600000": "636400000",  # Urzhar district (history)
    "103000000": "103400000",  # Aksuat district, Abai region
}
# East Kazakhstan's old code -> its successor's code in Abai region. The wrong successor codes
# are found through the successor link, not by their own code: one unit's wrong code was
# another's right one (Ayagoz had Kurchatov's), so matching codes would not be idempotent.
SUCCESSORS: dict[str, str] = {
    "632800000": "101000000",  # Semey
    "632200000": "101800000",  # Kurchatov
    "633200000": "103200000",  # Abai district
    "633400000": "103600000",  # Ayagoz district
    "633600000": "103800000",  # Beskaragay district
    "633800000": "104000000",  # Borodulikha district
    "634400000": "104200000",  # Zharma district
    "635000000": "104400000",  # Kokpekty district
    "636400000": "104600000",  # Urzhar district
}
BOGUS_AKSUAT = "634400000"  # when its successor is Aksuat of Abai region
AKSUAT_SUCCESSORS = ("103000000", "103400000")
REAL_LEVEL2 = frozenset({"635500000", "636300000", "100000000"})


def _significant(code: str) -> str:
    end = 0
    for start, stop in ((0, 2), (2, 4), (4, 6), (6, 9)):
        if code[start:stop].strip("0"):
            end = stop
    return code[:end]


def _fold(territory: Any, source: Any, target: Any) -> None:
    """Point everything that refers to ``source`` at ``target``, then drop ``source``."""
    for rel in territory._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            fk = next(
                f.name
                for f in through._meta.fields
                if getattr(f, "related_model", None) is territory
            )
            through._default_manager.filter(**{fk: source}).update(**{fk: target})
        elif rel.one_to_many or rel.one_to_one:
            rel.related_model._default_manager.filter(**{rel.field.name: source}).update(
                **{rel.field.name: target}
            )
    territory._default_manager.filter(pk=source.pk).delete()


def apply(apps: Any) -> dict[str, int]:
    """Re-code, fold the bogus Aksuat row, rebuild paths. Idempotent."""
    territory = apps.get_model("territory", "Territory")
    manager = territory._default_manager
    done = {"recoded": 0, "folded": 0}

    bogus = manager.filter(kato=BOGUS_AKSUAT, successor__kato__in=AKSUAT_SUCCESSORS).first()
    if bogus is not None:
        _fold(territory, bogus, bogus.successor)
        done["folded"] = 1

    # primary key -> new code for every row of every re-coded subtree
    plan: dict[int, str] = {}

    def move(root: Any, new: str) -> None:
        old_sig, new_sig = _significant(root.kato), _significant(new)
        for pk, kato in manager.filter(path__startswith=root.path).values_list("pk", "kato"):
            if kato.startswith(old_sig):
                plan[pk] = new_sig + kato[len(old_sig) :]

    for old, new in RECODE.items():
        root = manager.filter(kato=old).first()
        if root is not None:
            move(root, new)
    for unit in manager.filter(successor__isnull=False).select_related("successor"):
        target = SUCCESSORS.get(plan.get(unit.pk, unit.kato))
        if target and unit.successor.kato != target:
            move(unit.successor, target)
    if plan:
        taken = set(manager.exclude(pk__in=list(plan)).values_list("kato", flat=True))
        clash = sorted(set(plan.values()) & taken)
        if clash:
            raise RuntimeError(f"KATO codes already used by other units: {', '.join(clash)}")
        # two steps, so that a code freed by one unit can be taken by another (Ayagoz's wrong
        # code is Kurchatov's right one)
        for pk in plan:
            manager.filter(pk=pk).update(kato=f"~{pk:08d}"[-9:])
        for pk, kato in plan.items():
            manager.filter(pk=pk).update(kato=kato)
        done["recoded"] = len(plan)
    manager.filter(kato__in=REAL_LEVEL2).update(is_synthetic=False)
    manager.filter(kato__in=list(RECODE.values()), parent__parent__isnull=True).update(
        is_synthetic=False
    )
    _rebuild_paths(territory)
    return done


def _rebuild_paths(territory: Any) -> None:
    manager = territory._default_manager
    rows = {pk: (kato, parent) for pk, kato, parent in manager.values_list("pk", "kato", "parent")}
    paths: dict[int, str] = {}

    def path_of(pk: int, depth: int = 0) -> str:
        if pk in paths:
            return paths[pk]
        kato, parent = rows[pk]
        if parent is None or depth > 10:
            out = f"/{kato}/"
        else:
            out = f"{path_of(parent, depth + 1)}{kato}/"
        paths[pk] = out
        return out

    stale = []
    for pk, path in manager.values_list("pk", "path"):
        if path_of(pk) != path:
            stale.append(territory(pk=pk, path=paths[pk]))
    manager.bulk_update(stale, ["path"], batch_size=500)
