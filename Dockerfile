# syntax=docker/dockerfile:1

# --- build the PWA ---------------------------------------------------------
FROM node:20-bookworm-slim AS pwa
WORKDIR /src/pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY locales /src/locales
COPY pwa ./
RUN npm run build

# --- runtime ---------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BIANMIN_DATA_DIR=/data \
    BIANMIN_HOST=0.0.0.0
WORKDIR /app
COPY requirements/run.txt ./requirements/run.txt
RUN pip install --no-cache-dir -r requirements/run.txt
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY locales ./locales
RUN pip install --no-cache-dir --no-deps -e . \
    && useradd --system --uid 10001 --home-dir /app bianmin \
    && mkdir -p /data && chown bianmin /data
COPY --from=pwa /src/pwa/dist ./pwa/dist
USER bianmin
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
CMD ["bianmin", "serve", "--host", "0.0.0.0"]
