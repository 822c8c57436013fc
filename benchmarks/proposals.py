"""Proposals at the scale of a long workshop: a 100,000-concept taxonomy, 2,000 proposals of
20 changes each and 20,000 comments, on SQLite (or PostgreSQL with --database-url).

    python benchmarks/proposals.py [--concepts 100000] [--proposals 2000] [--database-url URL]

Prints name<TAB>value<TAB>unit, each the median of 7 runs through the real call path (the
Flask app with a signed-in session, in process): `preview_ms` (add one change to a draft
as the composer does, with htmx, and get back the checked workbench: the changes as a diff
and the tree after them), `pick_ms` (the concept picker's search as one types),
`proposal_page_ms`, `list_ms` (open proposals of the taxonomy, filtered), `overlap_ms` (one
proposal against all live ones, in the service), `comment_ms` (post a comment), and
`bare_flask_ms` (a bare endpoint through the same test client) as the baseline.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import import_bench_taxonomy, median_ms, report, scratch_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--proposals", type=int, default=2_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", default=None, help="print a profile of this measurement")
    args = parser.parse_args()

    from flask import Flask
    from sqlalchemy import insert, select

    from workshop.consensus import footprint
    from workshop.models import Comment, Proposal, ProposalEvent, Role, User, db
    from workshop.services import proposal_views, proposals, taxonomies
    from workshop.storage import revisions
    from workshop.taxonomy import (
        from_json,
        search_fold,
        seen_in_order,
        to_json,
    )

    with scratch_app(args.database_url) as app:
        import_bench_taxonomy(args.concepts)
        taxonomy = taxonomies.get_taxonomy("bench")
        base = revisions.latest_tree(taxonomy)
        rep = db.session.scalar(select(User).where(User.role == Role.REPRESENTATIVE))
        ids = sorted(base.concepts)
        rng = random.Random(7)
        proposal_rows, event_rows = [], []
        # A fifth of the proposals cluster on one branch (the bad shape of a hall that
        # argues over one category).
        hot: list[str] = []
        frontier = [base.roots[0]]
        while frontier and len(hot) < 200:  # the first 200 concepts of the first branch
            concept = frontier.pop(0)
            hot.append(concept)
            frontier.extend(base.children_of(concept))
        for n in range(args.proposals):
            pool = hot if n % 5 == 0 else ids
            chosen = rng.sample(pool, 20)
            changes = [
                from_json(
                    {
                        "op": "relabel",
                        "id": c,
                        "labels": {"en": f"{base[c].labels.get('en', c)} {n}"},
                    }
                )
                for c in chosen
            ]
            seen = seen_in_order(changes, base)
            proposal_rows.append(
                {
                    "taxonomy_id": taxonomy.id,
                    "base_number": 1,
                    "title": f"مقترح {n}",
                    "rationale": f"سبب المقترح {n}",
                    "author_id": rep.id,
                    "agency_id": rep.agency_id,
                    "status": "open" if n % 4 else "draft",
                    "changes": [to_json(c) for c in seen],
                    "change_count": len(seen),
                    "touches": sorted(footprint(seen)),
                    "revision": 1,
                    "search_text": search_fold(f"مقترح {n}\nسبب المقترح {n}"),
                }
            )
        db.session.execute(insert(Proposal), proposal_rows)
        proposal_ids = list(db.session.scalars(select(Proposal.id).order_by(Proposal.id)))
        event_rows = [{"proposal_id": p, "to_status": "open", "note": ""} for p in proposal_ids]
        db.session.execute(insert(ProposalEvent), event_rows)
        comment_rows = [
            {
                "proposal_id": proposal_ids[n % len(proposal_ids)],
                "author_id": rep.id,
                "agency_id": rep.agency_id,
                "kind": "comment",
                "body": f"تعليق {n}",
            }
            for n in range(10 * args.proposals)
        ]
        db.session.execute(insert(Comment), comment_rows)
        db.session.commit()
        print(
            f"# {args.concepts:,} concepts, {len(proposal_ids):,} proposals, "
            f"{len(comment_rows):,} comments",
            flush=True,
        )

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = rep.get_id()
            session["_fresh"] = True
        target = proposal_ids[-1]  # open, on the hot branch's neighbourhood or elsewhere
        draft = proposals.create(rep, "bench", "مسودة القياس", "لقياس الزمن")
        free = iter(ids[len(ids) // 2 :])  # concepts the draft has not touched yet

        def preview() -> None:
            current = db.session.get(Proposal, draft.id)
            concept = next(free)
            page = client.post(
                f"/proposals/{draft.id}/changes",
                headers={"HX-Request": "true"},
                data={
                    "revision": str(current.revision),
                    "op": "relabel",
                    "concept": concept,
                    "label_en": f"Renamed {concept}",
                },
            )
            assert page.status_code == 200 and 'id="preview"' in page.text, page.status_code
            db.session.expire_all()

        def page() -> None:
            assert client.get(f"/proposals/{target}").status_code == 200

        def listing() -> None:
            response = client.get("/proposals/?taxonomy=bench&status=open&q=مقترح")
            assert response.status_code == 200

        def overlap() -> None:
            proposal = db.session.get(Proposal, target)
            current = revisions.latest_tree(taxonomy)
            proposal_views.overlaps_of(rep, proposal, current)

        words = iter(["ser", "servi", "servic", "service 1", "service 12", "service 123"] * 3)

        def pick() -> None:
            response = client.get(
                f"/proposals/{draft.id}/pick",
                query_string={"field": "parent", "op": "add", "q": next(words)},
                headers={"HX-Request": "true"},
            )
            assert response.status_code == 200

        def comment() -> None:
            response = client.post(
                f"/proposals/{target}/comments", data={"body": "رأي", "kind": "comment"}
            )
            assert response.status_code == 303

        bare = Flask("bare")
        bare.add_url_rule("/", "hi", lambda: "hello")
        bare_client = bare.test_client()

        for name, function in (
            ("bare_flask_ms", lambda: bare_client.get("/")),
            ("preview_ms", preview),
            ("pick_ms", pick),
            ("proposal_page_ms", page),
            ("list_ms", listing),
            ("overlap_ms", overlap),
            ("comment_ms", comment),
        ):
            function()  # once to warm caches, as a hall would have
            if name == args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.runcall(function)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            report(name, median_ms(function, repeat=7))


if __name__ == "__main__":
    main()
