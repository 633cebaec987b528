# kube_env.sh - start the fake Kubernetes API over TLS for a shell suite (source it after
# tests/lib.sh). kube_fake_start DIR [fake args...] makes a CA and a server certificate with
# openssl, a kubeconfig at $KUBECONFIG_FILE (token auth, context "fake", namespace
# open-forge), starts tests/fakes/kube_api.py on a free port and waits until it answers.
# Sets KUBE_PORT, KUBE_URL, KUBE_CA, KUBE_TOKEN, KUBE_LOG, KUBECONFIG_FILE.

kube_fake_certs() { # DIR
    local d=$1
    test_ca "$d/ca.crt" "$d/ca.key" fake-kube-ca &&
        test_cert "$d/server.crt" "$d/server.key" "$d/ca.crt" "$d/ca.key" kube-apiserver \
            "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default"
}

kube_write_config() { # FILE SERVER CA TOKEN [extra user yaml]
    cat >"$1" <<YAML
apiVersion: v1
kind: Config
current-context: fake
clusters:
- name: fake
  cluster:
    server: $2
    certificate-authority: $3
contexts:
- name: fake
  context: {cluster: fake, user: fake-user, namespace: open-forge}
users:
- name: fake-user
  user:
    token: $4
YAML
}

kube_fake_start() { # DIR [fake args...]
    local d=$1; shift
    kube_fake_certs "$d" || return 1
    KUBE_PORT=$(free_port)
    KUBE_URL="https://127.0.0.1:$KUBE_PORT"
    KUBE_CA="$d/ca.crt"
    KUBE_TOKEN="tok-$RANDOM$RANDOM"
    KUBE_LOG="$d/writes.log"
    KUBECONFIG_FILE="$d/kubeconfig"
    : >"$KUBE_LOG"
    kube_write_config "$KUBECONFIG_FILE" "$KUBE_URL" "$KUBE_CA" "$KUBE_TOKEN"
    python3 "$ROOT/tests/fakes/kube_api.py" --port "$KUBE_PORT" --cert "$d/server.crt" \
        --key "$d/server.key" --token "$KUBE_TOKEN" --log "$KUBE_LOG" "$@" \
        >"$d/fake.out" 2>&1 &
    KUBE_PID=$!
    on_exit "kill $KUBE_PID"
    wait_for 10 curl -sf --cacert "$KUBE_CA" -H "Authorization: Bearer $KUBE_TOKEN" "$KUBE_URL/version"
}

# kube_control JSON : switch faults on the running fake.
kube_control() {
    curl -sf --cacert "$KUBE_CA" -X POST --data "$1" "$KUBE_URL/_control" >/dev/null
}
