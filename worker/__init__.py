"""The worker side: the Celery app and thin tasks, plain jobs, and the renderers."""
