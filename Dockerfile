# The Agora API image: `agora serve` on an external PostgreSQL (DATABASE_URL), one API process per core plus
# the worker process. See docs/deploy.md.
FROM python:3.11-slim

RUN pip install --no-cache-dir "uv>=0.8,<1"

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PATH=/app/.venv/bin:$PATH

WORKDIR /app

# The locked dependencies first (a layer that changes only with uv.lock), then the project itself.
# EXTRAS="--extra redis" adds the Redis client for AGORA_QUEUE_URL=redis://...
ARG EXTRAS=""
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project $EXTRAS
COPY src ./src
RUN uv sync --frozen --no-dev --no-editable $EXTRAS

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin agora \
    && mkdir -p /data /media \
    && chown agora /data /media
USER agora

# DATABASE_URL is required (the embedded PostgreSQL is for development); set AGORA_SECRET_KEY too.
ENV AGORA_DATA_DIR=/data \
    AGORA_LOG_FORMAT=json \
    FORWARDED_ALLOW_IPS=*
VOLUME /data
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2)"]

CMD ["agora", "serve", "--host", "0.0.0.0", "--port", "8000"]
