#!/usr/bin/env bash
# Record testdata/kubectl from a real v1.37.2 control plane, the way the
# kubectl acceptance script's goldens were made. Run from cmd/kubelab:
#
#   bash testdata/record-upstream.sh [UPSTREAM_DIR]
#
# UPSTREAM_DIR holds up.sh and down.sh (default /work/shared/upstream). The
# reference runs etcd and kube-apiserver only (UP_ONLY=apiserver: no nodes,
# scheduler or controllers, like kubelab today) plus a kube-controller-manager
# running nothing but the serviceaccount controller: without a "default"
# ServiceAccount, kube-apiserver's ServiceAccount admission rejects every pod,
# while kubelab's admission assigns it without one.
set -euo pipefail
upstream=${1:-/work/shared/upstream}
bin=${REALK8S:-$HOME/.cache/kubelab-upstream/realk8s}
ref=$(mktemp -d)
trap 'bash "$upstream/down.sh" "$ref"' EXIT

UP_ONLY=apiserver bash "$upstream/up.sh" "$ref" "$bin"
setsid "$bin" cm --kubeconfig "$ref/kubeconfig" --leader-elect=false --secure-port 0 \
  --controllers serviceaccount </dev/null >"$ref/logs/controller-manager.log" 2>&1 &
echo $! >>"$ref/pids"
for _ in $(seq 1 300); do
  KUBECONFIG=$ref/kubeconfig kubectl get serviceaccount default -n default >/dev/null 2>&1 && break
  sleep 0.1
done

go test -count=1 -run TestKubectlAcceptance . -update -upstream="$ref/kubeconfig"
# The goldens must reproduce on a second, fresh reference.
bash "$upstream/down.sh" "$ref"
trap - EXIT
echo "recorded; check them against a fresh reference with: go test -run TestKubectlAcceptance . -upstream=KUBECONFIG"
