"""Demo data: 53 agencies, a coordinator, an observer and a few representatives."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..models import Agency, Role, User, db
from . import audit
from .demo_agencies import AGENCIES
from .permissions import SYSTEM
from .unit_of_work import unit_of_work

DEMO_PASSWORD = "workshop-demo"
REPRESENTED = ("MOH", "MOE", "MOI", "PACI", "KM")


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    agency: str | None = None


def demo_accounts() -> list[DemoAccount]:
    accounts = [
        DemoAccount("coordinator", "منسق الورشة", Role.COORDINATOR),
        DemoAccount("observer", "مراقب", Role.OBSERVER),
    ]
    for code in REPRESENTED:
        for n in (1, 2):
            accounts.append(
                DemoAccount(
                    f"rep-{code.lower()}-{n}", f"ممثل {code} {n}", Role.REPRESENTATIVE, code
                )
            )
    return accounts


def seed() -> list[DemoAccount]:
    """Add what is missing of the demo data; return the accounts created (empty the 2nd time)."""
    with unit_of_work():
        created = _seed_accounts()
    with unit_of_work():
        seed_taxonomy()
    seed_proposals()
    return created


def seed_proposals() -> None:
    """An open proposal of the Ministry of Health with a short discussion, so that the
    proposal pages have something to show (added once)."""
    from ..models import Proposal
    from . import comments, proposals

    if db.session.scalar(select(Proposal.id)) is not None:
        return
    author = db.session.scalar(select(User).where(User.username == "rep-moh-1"))
    other = db.session.scalar(select(User).where(User.username == "rep-moe-1"))
    if author is None or other is None:
        return
    proposal = proposals.create(
        author,
        "gov-services",
        "الصيدليات فئة مستقلة / Pharmacies as a category of their own",
        "يبحث المواطنون عن خدمات الصيدليات بمعزل عن المستشفيات.\n"
        "Citizens look for pharmacy services apart from hospitals.",
    )
    proposals.add_change(
        author,
        proposal.id,
        1,
        {"op": "add", "parent": "health", "labels": {"ar": "الصيدليات", "en": "Pharmacies"}},
    )
    proposals.move(author, proposal.id, "open")
    question = comments.post(
        other, proposal.id, "هل تشمل صيدليات القطاع الخاص؟ / Private pharmacies too?", "question"
    )
    comments.post(author, proposal.id, "نعم، كلها. / Yes, all of them.", reply_to=question.id)
    _seed_workshop(proposal.id)


def _seed_workshop(proposal_id: int) -> None:
    """A planned workshop with the open proposal on its agenda, for the console to run."""
    from datetime import date

    from ..models import Role
    from . import workshops

    coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
    if coordinator is None:
        return
    workshop = workshops.create(
        coordinator,
        workshops.Setting(
            "gov-services", "ورشة التصنيف الأولى", "First taxonomy workshop", date.today()
        ),
    )
    workshops.add_item(coordinator, workshop.id, proposal_id)


def _seed_accounts() -> list[DemoAccount]:
    by_code = {a.code: a for a in db.session.scalars(select(Agency))}
    agencies = 0
    for code, name_ar, name_en in AGENCIES:
        if code not in by_code:
            by_code[code] = Agency(code=code, name_ar=name_ar, name_en=name_en)
            db.session.add(by_code[code])
            agencies += 1
    existing = set(db.session.scalars(select(User.username)))
    created = []
    for account in demo_accounts():
        if account.username in existing:
            continue
        db.session.add(
            User(
                username=account.username,
                display_name=account.display_name,
                role=account.role,
                agency=by_code[account.agency] if account.agency else None,
                password_hash=generate_password_hash(DEMO_PASSWORD),
            )
        )
        created.append(account)
    if created or agencies:
        audit.record(SYSTEM, "demo.seeded", accounts=len(created), agencies=agencies)
    return created


def seed_taxonomy() -> None:
    """Version 1 of the demo classification and a version 2 with a few changes."""
    from ..models import Taxonomy
    from ..taxonomy import apply
    from . import demo_taxonomy as services
    from .versions import Provenance, publish_tree

    if db.session.scalar(select(Taxonomy.id).where(Taxonomy.slug == services.SLUG)):
        return
    taxonomy = Taxonomy(slug=services.SLUG, name_ar=services.NAME_AR, name_en=services.NAME_EN)
    db.session.add(taxonomy)
    first = services.version_1()
    publish_tree(SYSTEM, taxonomy, first, Provenance("المسودة الأولى / First draft", "demo"))
    second = apply(first, services.version_2_changes())
    assert second.ok, second.conflicts
    publish_tree(
        SYSTEM, taxonomy, second.tree, Provenance("الورشة الأولى / First workshop", "demo")
    )
