"""Reading the datasets' definition file (``data/datasets.toml``) into plain rows: the grid of
grades and sexes expanded into elements. Pure: no database."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).with_name("data") / "datasets.toml"


@dataclass(frozen=True)
class ElementDef:
    code: str
    section: str
    order: int
    names: tuple[str, str, str]
    type: str = "integer"
    choices: list[list[str]] = field(default_factory=list)
    required: bool = True
    target: str = ""


@dataclass(frozen=True)
class RuleDef:
    code: str
    left: str
    operator: str
    right: str
    messages: tuple[str, str, str]
    importance: str = "blocking"
    comment_on: str = ""


@dataclass(frozen=True)
class DatasetDef:
    code: str
    frequency: str
    names: tuple[str, str, str]
    reference_month: int
    reference_day: int
    due_days: int
    sections: dict[str, list[str]]
    elements: list[ElementDef]
    rules: list[RuleDef]


def _three(value: list[str]) -> tuple[str, str, str]:
    if len(value) != 3:
        raise ValueError(f"expected [ru, kk, en], got {value!r}")
    return (value[0], value[1], value[2])


def _grid(spec: dict[str, Any], start: int) -> list[ElementDef]:
    out: list[ElementDef] = []
    first, last = spec["grades"]
    order = start
    for grade in range(first, last + 1):
        for code_part, sex, *sex_names in spec["sexes"]:
            grade_names = spec.get("grade0", [str(grade)] * 3) if grade == 0 else [str(grade)] * 3
            names = tuple(
                tmpl.format(grade=grade_names[i], sex=sex_names[i])
                for i, tmpl in enumerate(spec["name"])
            )
            out.append(
                ElementDef(
                    code=spec["code"].format(grade=grade, sex=code_part),
                    section=spec["section"],
                    order=order,
                    names=_three(list(names)),
                    target=spec.get("target", "").format(grade=grade, SEX=sex),
                )
            )
            order += 1
    return out


def load(path: Path = DEFAULT_FILE) -> list[DatasetDef]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    sections = raw.get("sections", {})
    out: list[DatasetDef] = []
    for ds in raw["dataset"]:
        elements: list[ElementDef] = []
        for grid in ds.get("grid", []):
            elements.extend(_grid(grid, len(elements)))
        for spec in ds.get("element", []):
            elements.append(
                ElementDef(
                    code=spec["code"],
                    section=spec["section"],
                    order=len(elements),
                    names=_three(spec["name"]),
                    type=spec.get("type", "integer"),
                    choices=spec.get("choices", []),
                    required=spec.get("required", True),
                    target=spec.get("target", ""),
                )
            )
        rules = [
            RuleDef(
                code=r["code"],
                left=r["left"],
                operator=r["operator"],
                right=r["right"],
                messages=_three(r["message"]),
                importance=r.get("importance", "blocking"),
                comment_on=r.get("comment_on", ""),
            )
            for r in ds.get("rule", [])
        ]
        used = {e.section for e in elements}
        out.append(
            DatasetDef(
                code=ds["code"],
                frequency=ds["frequency"],
                names=_three(ds["name"]),
                reference_month=ds.get("reference_month", 10),
                reference_day=ds.get("reference_day", 1),
                due_days=ds.get("due_days", 10),
                sections={k: v for k, v in sections.items() if k in used},
                elements=elements,
                rules=rules,
            )
        )
    return out
