#!/usr/bin/env bash
# Builds, starts and stops the two remote engines the live test suites run against, on loopback:
# Weaviate (compiled from its Go module) and Elasticsearch (its integration-test distribution
# from Maven Central). Needs Go 1.26+ for Weaviate, Java 17+ and Maven for Elasticsearch.
#
#   bash scripts/engines.sh up [weaviate|elastic]    # install what is missing, start, wait until ready
#   bash scripts/engines.sh down [weaviate|elastic]  # stop what this script started
#   bash scripts/engines.sh status                   # say what runs
#
# `up` prints one NAME=value line per engine on stdout (WEAVIATE_URL=..., ELASTICSEARCH_URL=...),
# so `eval "$(bash scripts/engines.sh up)"` sets them; everything else goes to stderr. Binaries,
# data and logs live outside the repository, in HARDNEG_ENGINES_HOME (default: ~/.cache/hardneg-engines,
# or /var/cache/hardneg-engines as root, so the unprivileged user Elasticsearch needs can read it).
# Every step is idempotent: a built engine is reused, a running one is left running.
set -euo pipefail

WEAVIATE_VERSION="${HARDNEG_WEAVIATE_VERSION:-1.39.0}"
ELASTICSEARCH_VERSION="${HARDNEG_ELASTICSEARCH_VERSION:-8.19.21}"
WEAVIATE_PORT="${HARDNEG_WEAVIATE_PORT:-8080}"
WEAVIATE_GRPC_PORT="${HARDNEG_WEAVIATE_GRPC_PORT:-50051}"
ELASTICSEARCH_PORT="${HARDNEG_ELASTICSEARCH_PORT:-9200}"
READY_TIMEOUT_SECONDS="${HARDNEG_ENGINES_READY_TIMEOUT:-240}"
# Elasticsearch refuses to run as root; as root the script runs it as this system user.
ENGINE_USER="hardneg-engines"

if [[ -n "${HARDNEG_ENGINES_HOME:-}" ]]; then
  home="$HARDNEG_ENGINES_HOME"
elif [[ "$(id -u)" == 0 ]]; then
  home="/var/cache/hardneg-engines"
else
  home="${XDG_CACHE_HOME:-$HOME/.cache}/hardneg-engines"
fi

say() { echo "engines: $*" >&2; }
fail() { say "$*"; exit 1; }

usage() {
  echo "usage: bash scripts/engines.sh up|down|status [weaviate|elastic]" >&2
  exit 2
}

# ---- helpers ----

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_ok() { curl -fsS --max-time 5 -o /dev/null "$1" 2>/dev/null; }

# Waits until `check` succeeds, the process dies, or the timeout passes; prints the log tail on failure.
wait_ready() {
  local name="$1" pid_file="$2" log="$3" check="$4"
  local deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until eval "$check"; do
    if ! pid_alive "$pid_file"; then
      say "$name exited during start-up; last lines of $log:"
      tail -n 40 "$log" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "$name not ready after ${READY_TIMEOUT_SECONDS}s; last lines of $log:"
      tail -n 40 "$log" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

stop_pid() {
  local name="$1" pid_file="$2"
  if ! pid_alive "$pid_file"; then
    rm -f "$pid_file"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name did not stop within 30 s; killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
  say "$name stopped"
}

# ---- Weaviate ----

weaviate_binary="$home/weaviate-$WEAVIATE_VERSION/weaviate-server"
weaviate_run="$home/run/weaviate"
weaviate_url="http://127.0.0.1:$WEAVIATE_PORT"

install_weaviate() {
  [[ -x "$weaviate_binary" ]] && return
  command -v go >/dev/null || fail "Weaviate is built from its Go module and needs Go 1.26+ (go not found)"
  local module="github.com/weaviate/weaviate/cmd/weaviate-server@v$WEAVIATE_VERSION"
  local log="$home/logs/weaviate-build.log"
  mkdir -p "$(dirname "$weaviate_binary")" "$home/logs"
  say "building Weaviate $WEAVIATE_VERSION with go install (about 7 min on 2 cores with nothing cached; log $log)"
  # No cgo: the server is pure Go. The checksum database may be unreachable behind the proxy;
  # then the build is repeated once without it (the module proxy still serves the same zips).
  if ! CGO_ENABLED=0 GOBIN="$(dirname "$weaviate_binary")" go install "$module" >"$log" 2>&1; then
    if grep -q "sum.golang.org\|verifying module\|checksum database" "$log"; then
      say "checksum database unreachable; building again with GOSUMDB=off"
      CGO_ENABLED=0 GOSUMDB=off GOBIN="$(dirname "$weaviate_binary")" go install "$module" >>"$log" 2>&1 \
        || { tail -n 30 "$log" >&2; fail "building Weaviate failed; see $log"; }
    else
      tail -n 30 "$log" >&2
      fail "building Weaviate failed; see $log"
    fi
  fi
  say "built $weaviate_binary"
}

weaviate_ready() { http_ok "$weaviate_url/v1/.well-known/ready" && port_open "$WEAVIATE_GRPC_PORT"; }

up_weaviate() {
  install_weaviate
  mkdir -p "$weaviate_run/data"
  local pid_file="$weaviate_run/weaviate.pid" log="$weaviate_run/weaviate.log"
  if pid_alive "$pid_file"; then
    say "Weaviate already running (pid $(cat "$pid_file"))"
  else
    port_open "$WEAVIATE_PORT" && fail "port $WEAVIATE_PORT is taken by another program; set HARDNEG_WEAVIATE_PORT"
    say "starting Weaviate $WEAVIATE_VERSION on $weaviate_url (gRPC $WEAVIATE_GRPC_PORT; data $weaviate_run/data)"
    # A single node on loopback without modules, as Weaviate's own embedded mode starts it.
    env PERSISTENCE_DATA_PATH="$weaviate_run/data" \
      AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true \
      DEFAULT_VECTORIZER_MODULE=none ENABLE_MODULES="" \
      CLUSTER_HOSTNAME=hardneg-node CLUSTER_IN_LOCALHOST=true CLUSTER_ADVERTISE_ADDR=127.0.0.1 \
      CLUSTER_GOSSIP_BIND_PORT=7100 CLUSTER_DATA_BIND_PORT=7101 \
      RAFT_PORT=8300 RAFT_INTERNAL_RPC_PORT=8301 RAFT_BOOTSTRAP_EXPECT=1 RAFT_JOIN=hardneg-node \
      GRPC_PORT="$WEAVIATE_GRPC_PORT" DISABLE_TELEMETRY=true GO_PROFILING_DISABLE=true \
      QUERY_DEFAULTS_LIMIT=25 LOG_LEVEL=warning \
      setsid "$weaviate_binary" --host 127.0.0.1 --port "$WEAVIATE_PORT" --scheme http >"$log" 2>&1 </dev/null &
    echo $! >"$pid_file"
    wait_ready Weaviate "$pid_file" "$log" weaviate_ready
    say "Weaviate ready"
  fi
  echo "WEAVIATE_URL=$weaviate_url"
}

# ---- Elasticsearch ----

elastic_folder="$home/elasticsearch-$ELASTICSEARCH_VERSION"
elastic_run="$home/run/elasticsearch"
elastic_url="http://127.0.0.1:$ELASTICSEARCH_PORT"

java_home() {
  # 8.x runs on Java 17; 9.x needs 21+ (on these machines a Temurin 25 JDK).
  if [[ "$ELASTICSEARCH_VERSION" == 8.* ]]; then
    for candidate in "${ES_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64; do
      [[ -n "$candidate" && -x "$candidate/bin/java" ]] && { echo "$candidate"; return; }
    done
  fi
  for candidate in "${ES_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64; do
    [[ -n "$candidate" && -x "$candidate/bin/java" ]] && { echo "$candidate"; return; }
  done
  local java
  java="$(command -v java)" || fail "Elasticsearch needs a JDK (java not found)"
  dirname "$(dirname "$(readlink -f "$java")")"
}

install_elastic() {
  [[ -x "$elastic_folder/bin/elasticsearch" ]] && return
  command -v mvn >/dev/null || fail "Elasticsearch is fetched from Maven Central with Maven (mvn not found)"
  local artifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ELASTICSEARCH_VERSION:zip"
  local log="$home/logs/elasticsearch-fetch.log"
  mkdir -p "$home/logs"
  say "fetching Elasticsearch $ELASTICSEARCH_VERSION from Maven Central ($artifact)"
  # dependency:copy needs no project and puts the zip where this script knows to find it.
  mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$home/downloads" >"$log" 2>&1 \
    || { tail -n 30 "$log" >&2; fail "fetching Elasticsearch failed; see $log"; }
  local zip="$home/downloads/elasticsearch-$ELASTICSEARCH_VERSION.zip"
  [[ -f "$zip" ]] || fail "Maven reported success but $zip is missing; see $log"
  local staging="$home/.unzip-$$"
  rm -rf "$staging"
  mkdir -p "$staging"
  if command -v unzip >/dev/null; then
    unzip -q "$zip" -d "$staging"
  else
    # Python's zipfile does not keep file modes: the launch scripts get theirs back.
    python3 -m zipfile -e "$zip" "$staging"
    chmod +x "$staging/elasticsearch-$ELASTICSEARCH_VERSION"/bin/*
  fi
  mv "$staging/elasticsearch-$ELASTICSEARCH_VERSION" "$elastic_folder"
  rm -rf "$staging" "$zip"
  say "installed $elastic_folder"
}

# As root, Elasticsearch runs as $ENGINE_USER, which must be able to write its run folder.
run_as_engine_user() {
  if [[ "$(id -u)" == 0 ]]; then
    id "$ENGINE_USER" >/dev/null 2>&1 \
      || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$ENGINE_USER"
    chown -R "$ENGINE_USER:" "$elastic_run"
    runuser -u "$ENGINE_USER" -- "$@"
  else
    "$@"
  fi
}

up_elastic() {
  install_elastic
  local pid_file="$elastic_run/elasticsearch.pid" log="$elastic_run/start.log"
  if pid_alive "$pid_file"; then
    say "Elasticsearch already running (pid $(cat "$pid_file"))"
  else
    port_open "$ELASTICSEARCH_PORT" && fail "port $ELASTICSEARCH_PORT is taken by another program; set HARDNEG_ELASTICSEARCH_PORT"
    mkdir -p "$elastic_run"/{data,logs,tmp,config}
    cp -r "$elastic_folder/config/." "$elastic_run/config/"
    # This distribution has the server, HTTP, dense_vector/kNN and x-pack-core, but no
    # analysis-common module (so no language analyzers or stemmers) and a basic licence (no rrf).
    cat >"$elastic_run/config/elasticsearch.yml" <<EOF
cluster.name: hardneg
node.name: hardneg-node
discovery.type: single-node
network.host: 127.0.0.1
http.port: $ELASTICSEARCH_PORT
transport.port: $((ELASTICSEARCH_PORT + 100))
path.data: $elastic_run/data
path.logs: $elastic_run/logs
xpack.security.enabled: false
EOF
    say "starting Elasticsearch $ELASTICSEARCH_VERSION on $elastic_url (data $elastic_run/data)"
    # -d returns once the node has started (or failed to); the node writes its own pid file.
    if ! run_as_engine_user env ES_JAVA_HOME="$(java_home)" ES_PATH_CONF="$elastic_run/config" ES_TMPDIR="$elastic_run/tmp" \
      ES_JAVA_OPTS="-Xms1g -Xmx1g" timeout "$READY_TIMEOUT_SECONDS" "$elastic_folder/bin/elasticsearch" -d -p "$pid_file" >"$log" 2>&1 </dev/null; then
      say "Elasticsearch did not start; last lines of $log and $elastic_run/logs/hardneg.log:"
      tail -n 20 "$log" >&2 || true
      tail -n 20 "$elastic_run/logs/hardneg.log" >&2 2>/dev/null || true
      exit 1
    fi
    wait_ready Elasticsearch "$pid_file" "$elastic_run/logs/hardneg.log" elastic_ready
    say "Elasticsearch ready"
  fi
  echo "ELASTICSEARCH_URL=$elastic_url"
}

elastic_ready() { http_ok "$elastic_url/_cluster/health?wait_for_status=yellow&timeout=1s"; }

# ---- commands ----

command="${1:-}"
shift || true
engines=("$@")
[[ ${#engines[@]} -eq 0 ]] && engines=(weaviate elastic)
for engine in "${engines[@]}"; do
  [[ "$engine" == weaviate || "$engine" == elastic ]] || usage
done
mkdir -p "$home"
[[ "$command" == up ]] && ! command -v curl >/dev/null && fail "curl is needed to see when an engine is ready (apt-get install -y curl)"

case "$command" in
  up)
    for engine in "${engines[@]}"; do "up_$engine"; done
    ;;
  down)
    for engine in "${engines[@]}"; do
      case "$engine" in
        weaviate) stop_pid Weaviate "$weaviate_run/weaviate.pid" ;;
        elastic) stop_pid Elasticsearch "$elastic_run/elasticsearch.pid" ;;
      esac
    done
    ;;
  status)
    for engine in "${engines[@]}"; do
      case "$engine" in
        weaviate) pid_file="$weaviate_run/weaviate.pid" url="$weaviate_url" built="$weaviate_binary" ;;
        elastic) pid_file="$elastic_run/elasticsearch.pid" url="$elastic_url" built="$elastic_folder/bin/elasticsearch" ;;
      esac
      if pid_alive "$pid_file"; then state="running (pid $(cat "$pid_file")) at $url"; else state="stopped"; fi
      [[ -x "$built" ]] && installed="installed" || installed="not installed"
      echo "$engine: $state; $installed in $home"
    done
    ;;
  *) usage ;;
esac
