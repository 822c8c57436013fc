"""workshops: electorate and roll call, agenda, voting rounds, one ballot per agency per
round (a unique key), every cast kept

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 20:39:17
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workshop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('taxonomy_id', sa.Integer(), nullable=False),
    sa.Column('title_ar', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('results_hidden', sa.Boolean(), nullable=False),
    sa.Column('join_code', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['taxonomy_id'], ['taxonomy.id'], name=op.f('fk_workshop_taxonomy_id_taxonomy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop')),
    sa.UniqueConstraint('join_code', name=op.f('uq_workshop_join_code'))
    )
    op.create_table('workshop_seat',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.String(length=20), nullable=False),
    sa.Column('alternate', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_workshop_seat_agency_id_agency')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_workshop_seat_workshop_id_workshop')),
    sa.PrimaryKeyConstraint('workshop_id', 'agency_id', name=op.f('pk_workshop_seat'))
    )
    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_agenda_item_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshop.id'], name=op.f('fk_agenda_item_workshop_id_workshop')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('voting_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('electorate', sa.JSON(), nullable=False),
    sa.Column('present', sa.Integer(), nullable=False),
    sa.Column('structural', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['agenda_item.id'], name=op.f('fk_voting_round_item_id_agenda_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voting_round')),
    sa.UniqueConstraint('item_id', 'number', name=op.f('uq_voting_round_item_id_number'))
    )
    with op.batch_alter_table('voting_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voting_round_item_id'), ['item_id'], unique=False)

    op.create_table('ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=10), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('cast_by_id', sa.Integer(), nullable=True),
    sa.Column('cast_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_ballot_agency_id_agency')),
    sa.ForeignKeyConstraint(['cast_by_id'], ['user_account.id'], name=op.f('fk_ballot_cast_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['voting_round.id'], name=op.f('fk_ballot_round_id_voting_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot')),
    sa.UniqueConstraint('round_id', 'agency_id', name=op.f('uq_ballot_round_id_agency_id'))
    )
    op.create_table('ballot_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=10), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_ballot_event_agency_id_agency')),
    sa.ForeignKeyConstraint(['round_id'], ['voting_round.id'], name=op.f('fk_ballot_event_round_id_voting_round')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ballot_event_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_event'))
    )
    with op.batch_alter_table('ballot_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_event_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ballot_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_event_round_id'))

    op.drop_table('ballot_event')
    op.drop_table('ballot')
    with op.batch_alter_table('voting_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voting_round_item_id'))

    op.drop_table('voting_round')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_workshop_id'))

    op.drop_table('agenda_item')
    op.drop_table('workshop_seat')
    op.drop_table('workshop')
