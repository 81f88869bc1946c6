"""The web service: Flask app, HTTP API and pages."""
