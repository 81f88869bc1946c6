"""The worker side: renderers, and (later) the Celery tasks around them."""
