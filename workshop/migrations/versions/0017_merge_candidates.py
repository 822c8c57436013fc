"""merge candidates: the next consensus version as the approved proposals would make it,
with the merge report, until it is published

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 23:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'merge_candidate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('taxonomy_id', sa.Integer(), nullable=False),
        sa.Column('base_number', sa.Integer(), nullable=False),
        sa.Column('order', sa.JSON(), nullable=False),
        sa.Column('order_note', sa.Text(), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('built_by_id', sa.Integer(), nullable=True),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['built_by_id'], ['user_account.id'],
            name=op.f('fk_merge_candidate_built_by_id_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['taxonomy_id'], ['taxonomy.id'], name=op.f('fk_merge_candidate_taxonomy_id_taxonomy')
        ),
        sa.ForeignKeyConstraint(
            ['version_id'], ['taxonomy_version.id'],
            name=op.f('fk_merge_candidate_version_id_taxonomy_version'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_merge_candidate')),
    )
    op.create_index(
        'ix_merge_candidate_taxonomy_id_status', 'merge_candidate', ['taxonomy_id', 'status']
    )


def downgrade():
    op.drop_index('ix_merge_candidate_taxonomy_id_status', table_name='merge_candidate')
    op.drop_table('merge_candidate')
