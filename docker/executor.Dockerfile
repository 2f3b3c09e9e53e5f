# CypherScoping Executor service.
# Build from the repository root:  docker build -f docker/executor.Dockerfile -t cypherscoping/executor:0.1.0 .
# Runs as a non-root user (UID 1654) with a read-only root filesystem: only /tmp (tmpfs / emptyDir) is written.

# ---- build: restore and publish with the pinned .NET SDK ------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Project files first so the restore layer is cached until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY shared/ shared/
COPY services/Executor/CypherScoping.Executor.csproj services/Executor/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore services/Executor/CypherScoping.Executor.csproj
COPY services/Executor/ services/Executor/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish services/Executor/CypherScoping.Executor.csproj -c Release --no-restore -o /out -p:UseAppHost=false

# ---- runtime: pinned ASP.NET runtime, non-root, read-only root filesystem ----------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS runtime
# curl only for the HEALTHCHECK below (the ASP.NET image has no HTTP client).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=0:0 /out/ ./
# Everything the runtime might write goes to /tmp; nothing else is writable.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS="" \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_gcServer=0 \
    DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp \
    TMPDIR=/tmp \
    HOME=/tmp
# The image's non-root "app" user, by number so Kubernetes runAsNonRoot can verify it.
USER 1654:1654
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/live || exit 1
ENTRYPOINT ["dotnet", "CypherScoping.Executor.dll"]
