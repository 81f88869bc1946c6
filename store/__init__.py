"""The store: drafts, builds, artifacts, comparisons, tokens and sessions (SQLite, PostgreSQL).

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
from store.records import ArtifactRecord, BuildRecord, DraftRecord
from store.sign_in_failures import note_sign_in_failure, sign_in_refused
from store.status import BuildStatus, OutputStatus, build_status
from store.tokens import (
    Actor,
    TokenAuth,
    authenticate_token,
    check_token,
    create_token,
    list_tokens,
    revoke_token,
)
from store.web_sessions import (
    ActiveSession,
    SignIn,
    current_session,
    end_session,
    open_session,
)

__all__ = [
    # Previews (issue 10)
    "PREVIEW_LIFETIME",
    "ActiveSession",
    "Actor",
    "ArtifactRecord",
    "BuildRecord",
    "BuildStatus",
    "DraftRecord",
    "DraftSummary",
    "NameTaken",
    "NotFound",
    "OutputStatus",
    "PreviewPageImage",
    "PreviewRecord",
    "SignIn",
    "StaleOutput",
    "StrategySummary",
    "SubmitResult",
    "TokenAuth",
    "authenticate_token",
    "beat_output",
    "begin_preview",
    "build_status",
    "cached_artifact",
    "check_token",
    "create_token",
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
    "has_comparison",
    "latest_build",
    "latest_draft",
    "list_drafts",
    "list_strategies",
    "list_tokens",
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
    "running_heartbeat",
    "same_content_as",
    "save_comparison",
    "sign_in_refused",
    "stale_outputs",
    "start_output",
    "start_preview",
    "storage_full",
    "stored_comparison",
    "submit_draft",
]
