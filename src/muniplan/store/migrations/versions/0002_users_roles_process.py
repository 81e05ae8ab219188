"""The political process: groups, users, sessions, login failures, the audit log, each
version's stage and publication, questions and answers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('groups',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups'))
    )
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    op.create_index('ix_login_failures_at', 'login_failures', ['at'])
    op.create_index('ix_login_failures_username', 'login_failures', ['username'])

    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role <> 'group' OR group_id IS NOT NULL", name=op.f('ck_users_group_member')),
    sa.CheckConstraint("role IN ('finance', 'group', 'admin')", name=op.f('ck_users_role_known')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_users_group_id_groups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.Text(), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.Text(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_audit_log_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'])

    op.create_table('questions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.String(length=64), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=True),
    sa.Column('asked_by', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=True),
    sa.Column('topic_kind', sa.String(length=16), nullable=True),
    sa.Column('topic_id', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assigned_to', sa.Integer(), nullable=True),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('asked', 'assigned', 'answered', 'published', 'withdrawn')", name=op.f('ck_questions_status_known')),
    sa.CheckConstraint("topic_kind IS NULL OR topic_kind IN ('sector', 'program_area', 'investment')", name=op.f('ck_questions_topic_known')),
    sa.ForeignKeyConstraint(['answered_by'], ['users.id'], name=op.f('fk_questions_answered_by_users')),
    sa.ForeignKeyConstraint(['asked_by'], ['users.id'], name=op.f('fk_questions_asked_by_users')),
    sa.ForeignKeyConstraint(['assigned_to'], ['users.id'], name=op.f('fk_questions_assigned_to_users')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_questions_group_id_groups')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_questions_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    op.create_index('ix_questions_plan_id', 'questions', ['plan_id'])

    op.create_table('sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sessions'))
    )
    op.create_index('ix_sessions_user_id', 'sessions', ['user_id'])

    op.create_table('version_process',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('group_id', sa.String(length=64), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Text(), nullable=True),
    sa.CheckConstraint("stage IN ('draft', 'proposal', 'alternative', 'recommendation', 'adopted', 'revised')", name=op.f('ck_version_process_stage_known')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_version_process_group_id_groups')),
    sa.ForeignKeyConstraint(['version_id'], ['plan_versions.id'], name=op.f('fk_version_process_version_id_plan_versions')),
    sa.PrimaryKeyConstraint('version_id', name=op.f('pk_version_process'))
    )
    op.create_index('ix_version_process_group_id', 'version_process', ['group_id'])



def downgrade() -> None:
    op.drop_index('ix_version_process_group_id', table_name='version_process')

    op.drop_table('version_process')
    op.drop_index('ix_sessions_user_id', table_name='sessions')

    op.drop_table('sessions')
    op.drop_index('ix_questions_plan_id', table_name='questions')

    op.drop_table('questions')
    op.drop_index('ix_audit_log_at', table_name='audit_log')

    op.drop_table('audit_log')
    op.drop_table('users')
    op.drop_index('ix_login_failures_username', table_name='login_failures')
    op.drop_index('ix_login_failures_at', table_name='login_failures')

    op.drop_table('login_failures')
    op.drop_table('groups')
