# taskbot: one process runs the bot, its scheduler and its operations endpoints.
#   docker build -t taskbot .
#   docker run -d -e TASKBOT_TELEGRAM__TOKEN=… -v taskbot-data:/data taskbot
# or with PostgreSQL and an optional reverse proxy: docker compose up -d (compose.yaml).

# --- build: dependencies first (from pyproject.toml alone), then the package ---------------------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
RUN python -m venv /opt/taskbot
COPY pyproject.toml ./
# The dependencies (and the PostgreSQL driver) read from pyproject.toml: a change to src/ reuses this layer.
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" > requirements.txt \
    && /opt/taskbot/bin/pip install -r requirements.txt
COPY README.md ./
COPY src ./src
RUN /opt/taskbot/bin/pip install --no-deps .

# --- runtime: the virtualenv, a CJK font (4 MB) for the leaders' charts, a non-root user, /data -------
FROM python:3.11-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 taskbot \
    && mkdir -p /data \
    && chown taskbot /data
COPY --from=build /opt/taskbot /opt/taskbot
# TASKBOT_HOME: the embedded SQLite store (and its backups/) live in the /data volume unless
# TASKBOT_DATABASE__URL points at PostgreSQL. The operations server answers on 9464 (/healthz, /readyz, /metrics).
ENV PATH=/opt/taskbot/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TZ=Asia/Shanghai \
    TASKBOT_HOME=/data \
    TASKBOT_HTTP__ENABLED=true \
    TASKBOT_HTTP__LISTEN=0.0.0.0 \
    TASKBOT_HTTP__PORT=9464
USER taskbot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8443 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; port = os.environ.get('TASKBOT_HTTP__PORT', '9464'); sys.exit(0 if urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["taskbot"]
CMD ["run"]
