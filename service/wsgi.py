"""The WSGI entry point for gunicorn (`gunicorn service.wsgi:app`); run `udkast migrate` first."""

from service.app import create_app

app = create_app(migrate_db=False)
