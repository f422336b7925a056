# drcheck as a container image, built from this source tree:
#   docker build -t drcheck:0.1.0 .
# The image runs as an unprivileged user (uid 10001) and needs no write access outside the
# directory its facts and reports go to.
FROM python:3.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY drcheck ./drcheck
# drcheck/packs is a symbolic link to the policy packs in policies/
COPY policies ./policies
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim-bookworm
LABEL org.opencontainers.image.title="drcheck" \
      org.opencontainers.image.description="Disaster-recovery readiness auditor" \
      org.opencontainers.image.source="https://github.com/drcheck/drcheck" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 drcheck \
 && useradd --system --uid 10001 --gid drcheck --home-dir /home/drcheck --create-home \
    --shell /usr/sbin/nologin drcheck
COPY --from=build /wheels /wheels
RUN python -m pip install --no-cache-dir --no-index --find-links=/wheels /wheels/drcheck-*.whl \
 && rm -rf /wheels
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /home/drcheck
ENTRYPOINT ["drcheck"]
CMD ["--help"]
