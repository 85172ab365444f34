# One image for both halves of reportgen: `reportgen web` and `reportgen worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 REPORTGEN_DATA_DIR=/data
# PDFs: LibreOffice (Writer, headless) with its UNO bridge for the system Python, which runs
# unoserver, and Liberation Serif, metric-compatible with Times New Roman (Decree 30/2020).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libreoffice-writer-nogui python3-uno \
       fonts-liberation fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*
ENV REPORTGEN_OFFICE_PYTHON=/usr/bin/python3
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY service ./service
COPY tasks ./tasks
COPY doc_templates ./doc_templates
RUN pip install --no-cache-dir -c constraints.txt '.[postgres]' \
    && useradd --system --uid 1000 --home /data reportgen \
    && mkdir -p /data && chown reportgen /data
ENV REPORTGEN_TEMPLATES_DIR=/app/doc_templates
USER reportgen
EXPOSE 8000
CMD ["reportgen", "web"]
