"""The WSGI entry point for gunicorn (`gunicorn service.wsgi:app`); run `udkast migrate` first."""

from service.app import create_app
from service.warm import warm

app = create_app(migrate_db=False)
warm(app)  # each gunicorn process imports this module once, before its first request
