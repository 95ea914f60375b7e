"""Demo users, one per role, with the scopes the briefing's people would have.

Passwords are printed by ``keleshek demo``; they are for a local demo only.
"""

from __future__ import annotations

from dataclasses import dataclass

from keleshek.accounts.models import Role, User
from keleshek.institutions.models import Institution
from keleshek.territory.models import Territory

DEMO_PASSWORD = "keleshek-demo"  # noqa: S105 - a local demo, printed by `keleshek demo`
DEMO_DISTRICT = "634000000"  # Glubokoe district
OPERATOR_SCHOOL_SETTLEMENT = "634010100"  # a school in Glubokoe (the settlement)


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    territory: str = ""  # KATO
    institution: bool = False  # the operator's school
    superuser: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", Role.REGIONAL_ADMIN, "Айгерим", "Админова", superuser=True),
    DemoUser("analyst", Role.REGIONAL_ANALYST, "Ерлан", "Аналитиков"),
    DemoUser("district", Role.DISTRICT_OFFICER, "Наталья", "Районова", territory=DEMO_DISTRICT),
    DemoUser("operator", Role.INSTITUTION_OPERATOR, "Асель", "Школьная", institution=True),
    DemoUser("support", Role.SUPPORT_OFFICER, "Марат", "Поддержкин", territory=DEMO_DISTRICT),
    DemoUser(
        "transport", Role.TRANSPORT_COORDINATOR, "Виктор", "Подвозов", territory=DEMO_DISTRICT
    ),
    DemoUser("auditor", Role.AUDITOR, "Гульнара", "Проверкина"),
    DemoUser("integrator", Role.INTEGRATOR, "API", "Integrator"),
)


def operator_school() -> Institution | None:
    """The school the demo operator runs: the first school of Glubokoe by BIN."""
    return (
        Institution.objects.filter(kind="school", settlement__kato=OPERATOR_SCHOOL_SETTLEMENT)
        .order_by("bin")
        .first()
    )


def load_users() -> list[User]:
    """Create or update the demo users; an existing user's password is left alone (so that loading
    twice changes nothing, and a changed password stays changed)."""
    territories = {
        t.kato: t for t in Territory.objects.filter(kato__in={u.territory for u in DEMO_USERS})
    }
    school = operator_school()
    out = []
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        values = {
            "role": spec.role,
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@keleshek.example",
            "territory": territories.get(spec.territory),
            "institution": school if spec.institution else None,
            "is_superuser": spec.superuser,
            "is_staff": spec.role != Role.INTEGRATOR,
            "is_active": True,
        }
        changed = user.pk is None
        for key, value in values.items():
            if getattr(user, key) != value:
                setattr(user, key, value)
                changed = True
        if user.pk is None or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            changed = True
        if changed:
            user.save()
        out.append(user)
    return out
