# taskbot: one process runs the bot and its scheduler.
#   docker build -t taskbot .
#   docker run -e TASKBOT_TELEGRAM__TOKEN=… -e TASKBOT_DATABASE__URL=postgresql+psycopg://… taskbot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    TZ=Asia/Shanghai

# The leaders' chart pictures draw Chinese: a CJK font (4 MB), else the bot sends text only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install ".[postgres]" \
    && useradd --create-home --uid 10001 taskbot \
    && mkdir -p /data && chown taskbot /data

USER taskbot
WORKDIR /data
# The embedded store lives in the /data volume unless TASKBOT_DATABASE__URL points elsewhere.
VOLUME ["/data"]
ENV TASKBOT_DATABASE__URL=sqlite:////data/taskbot.db
EXPOSE 8443
ENTRYPOINT ["taskbot"]
CMD ["run"]
