# The cypher CLI (assembly "cypher"): one-off operator commands against a running system.
# Build from the repository root:  docker build -f docker/cli.Dockerfile -t cypherscoping/cli:0.1.0 .
# Run:  docker compose run --rm cli health      (or: docker run --rm --env-file .env cypherscoping/cli:0.1.0 health)
# Non-root (UID 1654); with a read-only root filesystem only /tmp and the /work volume are written
# (runtime/, deployment-snapshots/ and the embedded stores of `cypher paper` go under /work).

# ---- build: restore and publish with the pinned .NET SDK ------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY shared/ shared/
COPY services/ services/
COPY cli/CypherScoping.Cli/CypherScoping.Cli.csproj cli/CypherScoping.Cli/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet restore cli/CypherScoping.Cli/CypherScoping.Cli.csproj
COPY cli/ cli/
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    dotnet publish cli/CypherScoping.Cli/CypherScoping.Cli.csproj -c Release --no-restore -o /out -p:UseAppHost=false

# ---- runtime: pinned ASP.NET runtime, non-root, read-only root filesystem ----------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS runtime
# curl for the HEALTHCHECK (and for probing a service by hand from the CLI container).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /work /var/lib/cypher \
    && chown 1654:1654 /work /var/lib/cypher \
    && printf '#!/bin/sh\nexec dotnet /app/cypher.dll "$@"\n' > /usr/local/bin/cypher \
    && chmod 0755 /usr/local/bin/cypher
COPY --from=build --chown=0:0 /out/ /app/
ENV DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_gcServer=0 \
    DOTNET_BUNDLE_EXTRACT_BASE_DIR=/tmp \
    TMPDIR=/tmp \
    HOME=/tmp
# The working directory holds .env (if mounted), runtime/ and deployment-snapshots/.
WORKDIR /work
USER 1654:1654
# The CLI is not a server: the health check only proves the runtime and the assembly load.
HEALTHCHECK --interval=60s --timeout=10s --start-period=10s --retries=3 \
    CMD ["dotnet", "/app/cypher.dll", "--help"]
ENTRYPOINT ["dotnet", "/app/cypher.dll"]
CMD ["--help"]
