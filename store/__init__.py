"""The store: drafts, builds, artifacts, comparisons, users, tokens, sessions (SQLite, PostgreSQL).

Use cases are plain functions taking a Session; they answer with plain frozen
dataclasses (store.records and the like), never ORM rows, so no caller reads a lazy
relationship or needs the session that loaded a row. Those that write begin, commit
(or roll back) their own transaction, so the web layer and the workers call them
the same way and never hold a transaction across a render or a queue call.
"""

from store.artifacts import cached_artifact, get_artifact, output_artifact
from store.builds import (
    StaleOutput,
    beat_output,
    fail_output,
    finish_output,
    requeue_output,
    running_heartbeat,
    stale_outputs,
    start_output,
)
from store.comparisons import has_comparison, save_comparison, stored_comparison
from store.db import make_engine, make_session_factory, migrate
from store.drafts import (
    SubmitResult,
    draft_by_id,
    draft_content,
    get_build,
    get_draft,
    latest_build,
    latest_draft,
    previous_draft,
    submit_draft,
)
from store.duplicates import draft_file_stems, same_content_as
from store.errors import NameTaken, NotFound, storage_full
from store.history import DraftSummary, StrategySummary, list_drafts, list_strategies
from store.previews import (
    PREVIEW_LIFETIME,
    PreviewPageImage,
    PreviewRecord,
    begin_preview,
    delete_expired_previews,
    fail_preview,
    finish_preview,
    get_preview,
    preview_content,
    preview_page,
    start_preview,
)
from store.records import ROLES, ArtifactRecord, BuildRecord, DraftRecord, UserRecord, role_allows
from store.sign_in_failures import note_sign_in_failure, sign_in_refused
from store.status import BuildStatus, OutputStatus, build_status
from store.tokens import (
    Actor,
    TokenAuth,
    TokenSummary,
    authenticate_token,
    check_token,
    create_token,
    list_tokens,
    revoke_token,
)
from store.users import (
    AccountRefused,
    LastAdmin,
    SignInCheck,
    change_password,
    check_password,
    create_password_link,
    create_user,
    get_user,
    has_active_admin,
    link_user,
    list_users,
    set_active,
    set_password_by_link,
    set_role,
    user_by_email,
)
from store.web_sessions import (
    ActiveSession,
    current_session,
    end_session,
    open_session,
)

__all__ = [
    # Previews (issue 10)
    "PREVIEW_LIFETIME",
    "ROLES",
    "AccountRefused",
    "ActiveSession",
    "Actor",
    "ArtifactRecord",
    "BuildRecord",
    "BuildStatus",
    "DraftRecord",
    "DraftSummary",
    "LastAdmin",
    "NameTaken",
    "NotFound",
    "OutputStatus",
    "PreviewPageImage",
    "PreviewRecord",
    "SignInCheck",
    "StaleOutput",
    "StrategySummary",
    "SubmitResult",
    "TokenAuth",
    "TokenSummary",
    "UserRecord",
    "authenticate_token",
    "beat_output",
    "begin_preview",
    "build_status",
    "cached_artifact",
    "change_password",
    "check_password",
    "check_token",
    "create_password_link",
    "create_token",
    "create_user",
    "current_session",
    "delete_expired_previews",
    "draft_by_id",
    "draft_content",
    "draft_file_stems",
    "end_session",
    "fail_output",
    "fail_preview",
    "finish_output",
    "finish_preview",
    "get_artifact",
    "get_build",
    "get_draft",
    "get_preview",
    "get_user",
    "has_active_admin",
    "has_comparison",
    "latest_build",
    "latest_draft",
    "link_user",
    "list_drafts",
    "list_strategies",
    "list_tokens",
    "list_users",
    "make_engine",
    "make_session_factory",
    "migrate",
    "note_sign_in_failure",
    "open_session",
    "output_artifact",
    "preview_content",
    "preview_page",
    "previous_draft",
    "requeue_output",
    "revoke_token",
    "role_allows",
    "running_heartbeat",
    "same_content_as",
    "save_comparison",
    "set_active",
    "set_password_by_link",
    "set_role",
    "sign_in_refused",
    "stale_outputs",
    "start_output",
    "start_preview",
    "storage_full",
    "stored_comparison",
    "submit_draft",
    "user_by_email",
]
