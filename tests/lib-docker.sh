# lib-docker.sh - one real Docker Engine per suite: Debian's dockerd on a unix socket in a
# scratch folder, no network (no iptables, no bridge), an image imported from busybox-static.
#
# Source after lib.sh and call docker_start; DOCKER_SOCK, DOCKER_DIR, DOCKER_IMAGE and
# dk (the real docker CLI on that socket) are then set. The exit trap removes the
# containers and stops dockerd and the containerd it started.

DOCKER_IMAGE=forgetop-busybox
# The real CLI, whatever shim a suite puts first on PATH later.
DOCKER_CLI=$(command -v docker 2>/dev/null)
[ -x /usr/bin/docker ] && DOCKER_CLI=/usr/bin/docker
DOCKER_COMPOSE_V1=$(command -v docker-compose 2>/dev/null)

dk() { DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER_CLI" "$@"; }
dc() { # dc ARGS... : compose v1 on the suite's engine
    DOCKER_HOST="unix://$DOCKER_SOCK" "$DOCKER_COMPOSE_V1" "$@"
}

# docker_start [STORAGE_DRIVER] : start dockerd, wait for it (30 s deadline), import the image.
docker_start() {
    local driver=${1:-overlay2} deadline
    command -v dockerd >/dev/null 2>&1 || { diag "no dockerd: scripts/install-deps installs docker.io"; return 1; }
    DOCKER_DIR=$(scratch)
    DOCKER_SOCK=$DOCKER_DIR/docker.sock
    on_exit docker_stop
    docker_daemon "$driver" || return 1
    local root=$DOCKER_DIR/rootfs a
    mkdir -p "$root/bin" "$root/tmp" && cp /bin/busybox "$root/bin/busybox" || return 1
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
    done
    tar -C "$root" -c . | dk import --change 'ENV PATH=/bin' - "$DOCKER_IMAGE" >/dev/null
}

# docker_daemon [DRIVER] : (re)start dockerd on the suite's folders and wait until it answers.
docker_daemon() {
    local driver=${1:-${DOCKER_DRIVER:-overlay2}} deadline=$((SECONDS + 30))
    DOCKER_DRIVER=$driver
    dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver="$driver" \
        --host "unix://$DOCKER_SOCK" --data-root "$DOCKER_DIR/data" \
        --exec-root "$DOCKER_DIR/exec" --pidfile "$DOCKER_DIR/docker.pid" \
        >>"$DOCKER_DIR/dockerd.log" 2>&1 &
    DOCKER_PID=$!
    until dk version >/dev/null 2>&1; do
        if ! alive "$DOCKER_PID" || [ "$SECONDS" -ge "$deadline" ]; then
            diag "dockerd did not start:"; tail -5 "$DOCKER_DIR/dockerd.log" | sed 's/^/#   /'
            return 1
        fi
        sleep 0.1
    done
}

# docker_kill : dockerd dies at once (SIGKILL), as a crash would; containerd with it.
docker_kill() {
    kill -CONT "$DOCKER_PID" 2>/dev/null
    kill -KILL "$DOCKER_PID" 2>/dev/null
    wait "$DOCKER_PID" 2>/dev/null
    docker_containerd_stop
}

docker_containerd_stop() {
    local p pids
    # [c]: the pattern must not match pgrep's own command line
    pids=$(pgrep -f "[c]ontainerd --config $DOCKER_DIR/exec/")
    for p in $pids; do kill -TERM "$p" 2>/dev/null; done
    for p in $pids; do wait_for 10 bash -c "$(declare -f alive); ! alive $p" || kill -KILL "$p"; done
    for p in $(pgrep -f "[c]ontainerd-shim.*$DOCKER_DIR/exec"); do kill -KILL "$p" 2>/dev/null; done
    # what a killed daemon leaves makes the next one wait on a dead containerd
    rm -f "$DOCKER_DIR/exec/containerd/containerd.sock" "$DOCKER_DIR/exec/containerd/containerd.sock.ttrpc" \
        "$DOCKER_DIR/exec/containerd/containerd.pid" "$DOCKER_DIR/docker.pid"
}

# alive PID : the process runs (a zombie child of this shell does not count).
alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null)
    [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

docker_stop() {
    [ -n "${DOCKER_PID:-}" ] || return 0
    kill -CONT "$DOCKER_PID" 2>/dev/null
    if kill -0 "$DOCKER_PID" 2>/dev/null; then
        local ids
        ids=$(dk ps -aq 2>/dev/null)
        [ -n "$ids" ] && dk rm -f $ids >/dev/null 2>&1
        kill -TERM "$DOCKER_PID" 2>/dev/null
        wait_for 20 bash -c "$(declare -f alive); ! alive $DOCKER_PID"
        kill -KILL "$DOCKER_PID" 2>/dev/null
    fi
    docker_containerd_stop
    grep -q " $DOCKER_DIR/" /proc/mounts && awk -v d="$DOCKER_DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts |
        sort -r | xargs -r umount -l
    DOCKER_PID=
}

# docker_project FILE : the runbook's project for the suites' engine: api (0.5 cpu, 64 MiB,
# scalable), agent-worker, and redis with a fixed container_name. Append services after.
docker_project() {
    cat >"$1" <<YML
version: "2.4"
services:
  api:
    image: $DOCKER_IMAGE
    network_mode: none
    command: ["sleep", "3600"]
    cpus: 0.5
    mem_limit: 64m
  agent-worker:
    image: $DOCKER_IMAGE
    network_mode: none
    command: ["sleep", "3600"]
  redis:
    image: $DOCKER_IMAGE
    network_mode: none
    container_name: forge-redis
    command: ["sleep", "3600"]
YML
}
