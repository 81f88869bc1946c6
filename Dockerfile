# One image for every role: web (default command), worker and beat (see compose.yaml).
# The install steps are the ones `make run` and `make test` use on a fresh machine:
# scripts/ensure-system.sh for the system libraries, then the locked runtime packages (exact
# versions, hashes checked), then udkast itself built by the locked setuptools.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UDKAST_VAR_DIR=/var/lib/udkast \
    PATH=/venv/bin:$PATH

WORKDIR /app
COPY scripts/ensure-system.sh scripts/ensure-system.sh
RUN apt-get update \
    && scripts/ensure-system.sh runtime \
    && rm -rf /var/lib/apt/lists/*

COPY requirements/runtime.txt requirements/runtime.txt
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --require-hashes -r requirements/runtime.txt

COPY . .
RUN /venv/bin/pip install --no-cache-dir --no-deps --no-build-isolation -e .

RUN useradd --system --home-dir /var/lib/udkast --create-home udkast
USER udkast
EXPOSE 8000

CMD ["sh", "-c", "udkast migrate && exec gunicorn --bind 0.0.0.0:8000 --workers 2 --threads 4 --timeout \"${UDKAST_REQUEST_TIMEOUT:-30}\" --access-logfile - service.wsgi:app"]
