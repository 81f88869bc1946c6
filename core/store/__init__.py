"""The store: drafts, builds, artifacts and API tokens in SQLite or PostgreSQL.

Use cases are plain functions taking a Session. Those that write begin, commit
(or roll back) their own transaction, so the web layer and the workers call them
the same way and never hold a transaction across a render or a queue call.
"""

from core.store.artifacts import cached_artifact, get_artifact, output_artifact
from core.store.builds import (
    StaleOutput,
    fail_output,
    finish_output,
    requeue_output,
    stale_outputs,
    start_output,
)
from core.store.db import make_engine, make_session_factory, migrate
from core.store.drafts import (
    SubmitResult,
    draft_content,
    get_draft,
    latest_build,
    latest_draft,
    previous_draft,
    submit_draft,
)
from core.store.errors import NameTaken, NotFound
from core.store.history import DraftSummary, StrategySummary, list_drafts, list_strategies
from core.store.status import BuildStatus, OutputStatus, build_status
from core.store.tokens import check_token, create_token, list_tokens, revoke_token

__all__ = [
    "BuildStatus",
    "DraftSummary",
    "NameTaken",
    "NotFound",
    "OutputStatus",
    "StaleOutput",
    "StrategySummary",
    "SubmitResult",
    "build_status",
    "cached_artifact",
    "check_token",
    "create_token",
    "draft_content",
    "fail_output",
    "finish_output",
    "get_artifact",
    "get_draft",
    "latest_build",
    "latest_draft",
    "list_drafts",
    "list_strategies",
    "list_tokens",
    "make_engine",
    "make_session_factory",
    "migrate",
    "output_artifact",
    "previous_draft",
    "requeue_output",
    "revoke_token",
    "stale_outputs",
    "start_output",
    "submit_draft",
]
