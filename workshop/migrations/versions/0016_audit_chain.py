"""audit chain: each audit entry carries its place in the chain, the hash of the entry
before it and its own; a version cites the chain's head when it was published

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 22:40:00

The entries already there are chained in the order they were written (by id).
"""
import sqlalchemy as sa
from alembic import op

from workshop.consensus.chain import GENESIS, Link, digest

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_entry_seq'), ['seq'])
    # A plain ADD COLUMN: a batch (copying) alter would drop the history guards' triggers.
    op.add_column(
        'taxonomy_version',
        sa.Column('audit_head', sa.String(length=64), server_default='', nullable=False),
    )
    _chain_existing()


def _chain_existing():
    entries = sa.table(
        'audit_entry',
        *(sa.column(name) for name in (
            'id', 'at', 'actor_id', 'agency_id', 'action', 'target', 'note', 'seq',
            'prev_hash', 'entry_hash')),
        sa.column('details', sa.JSON()),
        sa.column('at', sa.DateTime(timezone=True)),
    )
    connection = op.get_bind()
    prev = GENESIS
    rows = connection.execute(sa.select(entries).order_by(entries.c.id)).mappings().all()
    for seq, row in enumerate(rows, start=1):
        link = Link(
            id=row['id'], seq=seq, at=row['at'], actor_id=row['actor_id'],
            agency_id=row['agency_id'], action=row['action'], target=row['target'] or '',
            details=row['details'] or {}, note=row['note'] or '', prev_hash=prev,
            entry_hash=None,
        )
        own = digest(link, seq, prev)
        connection.execute(
            entries.update().where(entries.c.id == row['id']).values(
                seq=seq, prev_hash=prev, entry_hash=own
            )
        )
        prev = own


def downgrade():
    op.drop_column('taxonomy_version', 'audit_head')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_entry_seq'), type_='unique')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
