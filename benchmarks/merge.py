"""The merge at the scale of a year of workshops: a 100,000-concept taxonomy, batches of 200
approved proposals of 10 changes each (a fifth of them clustered on one branch), on SQLite
(or PostgreSQL with --database-url).

    python benchmarks/merge.py [--concepts 100000] [--proposals 200] [--runs 5]
                               [--database-url URL] [--profile NAME]

Prints name<TAB>value<TAB>unit, medians of `--runs` runs through the real call path:
- `candidate_ms`: build the candidate (the service, as the merge page's button does), its
  caches emptied first, so reading the base version and every proposal's base is in it;
- `publish_candidate_ms`: publish a fresh candidate of a new batch (its commit included);
- `document_ms`, `document_warm_ms`: the consensus document page of that version through
  the Flask app, its caches emptied first, then as the next reader gets it;
- `audit_verify_100k_entries_ms`: `check_chain()` over 100,000 audit entries;
and the baselines of the same run: `bare_flask_ms` (a bare endpoint through a test client),
`orjson_document_ms` (orjson.dumps of the document's JSON), `raw_audit_read_ms` (the audit
rows read with a raw DB-API cursor, without hashing).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import import_bench_taxonomy, median_ms, report, scratch_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--audit-entries", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", default=None, help="print a profile of this measurement")
    args = parser.parse_args()

    import orjson
    from flask import Flask
    from sqlalchemy import insert, select, update

    from workshop.consensus import GENESIS, Link, digest, footprint
    from workshop.models import AuditEntry, Proposal, ProposalEvent, Role, User, db, utcnow
    from workshop.services import (
        browsing,
        candidates,
        differences,
        publication,
        records,
        taxonomies,
    )
    from workshop.services.audit import check_chain
    from workshop.storage import revisions
    from workshop.taxonomy import from_json, seen_in_order, to_json
    from workshop.web import records as record_views

    with scratch_app(args.database_url) as app:
        import_bench_taxonomy(args.concepts)
        taxonomy = taxonomies.get_taxonomy("bench")
        base = revisions.latest_tree(taxonomy)
        rep = db.session.scalar(select(User).where(User.role == Role.REPRESENTATIVE))
        coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR))
        ids = sorted(base.concepts)
        rng = random.Random(11)
        hot: list[str] = []
        frontier = [base.roots[0]]
        while frontier and len(hot) < 400:
            concept = frontier.pop(0)
            hot.append(concept)
            frontier.extend(base.children_of(concept))

        def batch(tag: int) -> list[int]:
            """`--proposals` approved proposals on version 1 (each batch on other concepts
            of the wide part, the hot branch shared: conflicts happen there)."""
            made = []
            for n in range(args.proposals):
                pool = hot if n % 5 == 0 else ids
                chosen = rng.sample(pool, 10)
                changes = [
                    from_json({"op": "relabel", "id": c, "labels": {"en": f"B{tag} P{n} {c}"}})
                    for c in chosen
                ]
                seen = seen_in_order(changes, base)
                made.append(
                    {
                        "taxonomy_id": taxonomy.id,
                        "base_number": 1,
                        "title": f"مقترح {tag}-{n}",
                        "rationale": "للقياس",
                        "author_id": rep.id,
                        "agency_id": rep.agency_id,
                        "status": "approved",
                        "changes": [to_json(c) for c in seen],
                        "change_count": len(seen),
                        "touches": sorted(footprint(seen)),
                        "revision": 1,
                        "search_text": "",
                    }
                )
            db.session.execute(insert(Proposal), made)
            new = list(
                db.session.scalars(
                    select(Proposal.id)
                    .where(Proposal.title.like(f"مقترح {tag}-%"))
                    .order_by(Proposal.id)
                )
            )
            db.session.execute(
                insert(ProposalEvent),
                [{"proposal_id": p, "to_status": "approved", "note": ""} for p in new],
            )
            db.session.commit()
            return new

        def hold_conflicts(candidate_id: int) -> int:
            """Hold back the conflicting proposals (each on the hot branch): what the
            coordinator does before publishing; returns the clean candidate."""
            candidate = candidates.get(candidate_id)
            held = [e.proposal for e in candidates.entries_of(candidate) if not e.accepted]
            if held:
                db.session.execute(
                    update(Proposal).where(Proposal.id.in_(held)).values(status="open")
                )
                db.session.commit()
                candidate = candidates.build(coordinator, "bench")
            return candidate.id

        def cold() -> None:
            revisions.trees.clear()
            candidates.MERGED.clear()
            browsing.exports.clear()
            differences.differences.clear()

        batch(0)
        print(f"# {args.concepts:,} concepts, {args.proposals} proposals a batch", flush=True)

        def candidate() -> None:
            cold()
            candidates.build(coordinator, "bench")

        publish_times = []
        version_number = 1
        for run in range(args.runs):
            if run:
                batch(run)
            candidate_id = hold_conflicts(candidates.build(coordinator, "bench").id)
            started = time.perf_counter()
            version_number = publication.publish(coordinator, candidate_id, f"run {run}").number
            publish_times.append((time.perf_counter() - started) * 1000)
        batch(99)
        if args.profile == "candidate_ms":
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(candidate)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        report("candidate_ms", median_ms(candidate, repeat=args.runs))
        publish_times.sort()
        report("publish_candidate_ms", publish_times[len(publish_times) // 2])

        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = coordinator.get_id()
            session["_fresh"] = True
        path = f"/taxonomies/bench/versions/{version_number}/document"

        def document() -> None:
            response = client.get(path)
            assert response.status_code == 200, response.status_code

        def document_cold() -> None:
            cold()
            record_views.OUTLINES.clear()
            document()

        if args.profile == "document_ms":
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(document_cold)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        report("document_ms", median_ms(document_cold, repeat=args.runs))
        report("document_warm_ms", median_ms(document, repeat=args.runs))
        record = records.document_record(coordinator, "bench", version_number)
        report("orjson_document_ms", median_ms(lambda: orjson.dumps(record), repeat=args.runs))

        bare = Flask("bare")
        bare.add_url_rule("/", "hi", lambda: "hello")
        bare_client = bare.test_client()
        report("bare_flask_ms", median_ms(lambda: bare_client.get("/"), repeat=args.runs))

        # The audit log of a long year: entries chained as the application chains them.
        head = db.session.execute(
            select(AuditEntry.seq, AuditEntry.entry_hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
        seq, prev = (head[0], head[1]) if head else (0, GENESIS)
        now = utcnow()
        batch_rows = []
        for n in range(args.audit_entries - seq):
            seq += 1
            details = {"round": n % 97, "choice": "approve"}
            link = Link(
                0,
                seq,
                now,
                rep.id,
                rep.agency_id,
                "ballot.cast",
                f"round {n}",
                details,
                "",
                prev,
                None,
            )
            prev = digest(link, seq, prev)
            batch_rows.append(
                {
                    "at": now,
                    "actor_id": rep.id,
                    "agency_id": rep.agency_id,
                    "action": "ballot.cast",
                    "target": f"round {n}",
                    "details": details,
                    "note": "",
                    "seq": seq,
                    "prev_hash": link.prev_hash,
                    "entry_hash": prev,
                }
            )
            if len(batch_rows) == 10_000:
                db.session.execute(insert(AuditEntry), batch_rows)
                batch_rows = []
        if batch_rows:
            db.session.execute(insert(AuditEntry), batch_rows)
        db.session.commit()

        def verify() -> None:
            verdict = check_chain()
            assert verdict.ok and verdict.entries >= args.audit_entries, verdict

        def raw_read() -> None:
            connection = db.engine.raw_connection()
            try:
                cursor = connection.cursor()
                cursor.execute("SELECT * FROM audit_entry ORDER BY seq")
                cursor.fetchall()
            finally:
                connection.close()

        report("audit_verify_100k_entries_ms", median_ms(verify, repeat=3))
        report("raw_audit_read_ms", median_ms(raw_read, repeat=3))


if __name__ == "__main__":
    main()
