"""The Celery app of the workers, configured from settings (run: celery -A worker.celery_app)."""

from __future__ import annotations

import logging

from celery import Celery

from broker import QUEUE, RECOVER_TASK, broker_config
from settings import Settings, load_settings
from worker import warmup

# At the worker's INFO level these log every font table subset and every layout step,
# about 100 lines per render, burying the lines about tasks that people read.
QUIET_LOGGERS = ("fontTools", "weasyprint.progress")
LOST_CHILD_WAIT_SECONDS = 2.0


def make_celery(settings: Settings) -> Celery:
    """Return a Celery app with the reliability defaults of design.md."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    broker = broker_config(settings.redis_url, settings.var_dir, settings.hard_time_limit)
    # Beat keeps its schedule file there; owner-only, as `udkast serve` makes it.
    settings.var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    app = Celery("udkast", broker=broker.url, include=["worker.tasks", "worker.preview_tasks"])
    app.conf.update(
        broker_transport_options=broker.transport_options,
        broker_connection_retry_on_startup=True,
        # Only JSON crosses the queue: ids in, nothing out. State lives in the database.
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_default_queue=QUEUE,
        # Ack after the work, and requeue when the child dies mid-task; the attempt cap in
        # the database (start_output) stops a poison message from looping.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # How long the main process waits for a dead child's result before it declares the
        # task lost and puts the message back: Celery's 10 s are for results kept in Celery,
        # and this worker keeps none (task_ignore_result; state is in the database), so a
        # killed render is delivered again 8 s sooner.
        worker_lost_wait=LOST_CHILD_WAIT_SECONDS,
        worker_prefetch_multiplier=1,
        worker_max_tasks_per_child=50,  # WeasyPrint's caches grow; recycle children
        worker_max_memory_per_child=512_000,  # KiB
        task_soft_time_limit=settings.soft_time_limit,
        task_time_limit=settings.hard_time_limit,
        # A broker blip must not throw away a render in progress: it finishes and is stored,
        # and the message the broker gives back later finds the output done and renders
        # nothing (worker.heartbeat). Cancelling left it running until the recovery step,
        # 10 minutes by default (tests/test_faults_redis.py).
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        # A new pool child warms its renderers before it reports up (worker.warmup).
        worker_proc_alive_timeout=warmup.proc_alive_timeout(settings),
        beat_schedule={
            "recover-lost-outputs": {
                "task": RECOVER_TASK,
                "schedule": float(settings.recover_every),
                # A pass waits in the render queue; one still waiting when the next is due
                # is dropped, so passes never pile up behind a backlog.
                "options": {"expires": float(settings.recover_every)},
            }
        },
    )
    app.conf.udkast_settings = settings
    return app


app = make_celery(load_settings())
warmup.connect(app)
