# One image for both halves of reportgen: `reportgen web` and `reportgen worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 REPORTGEN_DATA_DIR=/data
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
