#!/usr/bin/env bash
# The main job, end to end on one machine: installs what is missing (as root), builds, starts a
# local three-party federation (guest 9999, host 10000, arbiter 10001; one fedflow-server and
# one SQLite database each), runs FATE's intersection example job unchanged (Reader ->
# DataTransform -> RSA intersection, fedflow's built-in providers), its ECDH variant, and FATE's
# hetero LR example (-> HeteroLR with Paillier -> Evaluation) and its homo LR example (-> FeatureScale
# -> HomoLR with secure aggregation -> Evaluation) with live progress, shows each party's view,
# outputs, the models' AUC and KS and the loss curve, and stops the servers. Security is on as in production: parties sign every
# interconnect call with their Ed25519 keys (exchanged below) and the host and arbiter only admit
# jobs they granted. Everything stays under demo/ (logs, databases, keys, workers).
# It ends by printing the board's address; with --keep the federation stays up until Ctrl-C.
#   tools/demo.sh [--keep]   env: DEMO_DIR (demo), DEMO_PORT (first of three ports, 19380)
set -euo pipefail
KEEP=false
for arg in "$@"; do
  case $arg in
    --keep) KEEP=true ;;
    *) echo "usage: tools/demo.sh [--keep]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
ROOT=$PWD
bash tools/install-deps.sh
bash tools/build.sh
BIN=$ROOT/build
DEMO=${DEMO_DIR:-$ROOT/demo}
PORT=${DEMO_PORT:-19380}
PARTIES=(9999 10000 10001)
rm -rf "$DEMO"
mkdir -p "$DEMO"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # Workers run in their own process groups and outlive a server by design.
  pkill -KILL -f "$DEMO/party-" 2>/dev/null || true
}
trap cleanup EXIT

# Key exchange: each party's key pair is created before its first start; partners get the
# public half (what operators do with `fedflow server site`).
for party in "${PARTIES[@]}"; do
  mkdir -p "$DEMO/party-$party/conf" "$DEMO/party-$party/keys"
  "$BIN/service/app/fedflow-server" --public-key "$DEMO/party-$party/keys/site_private.pem" \
    >"$DEMO/party-$party/keys/site_public.pem"
done

i=0
for party in "${PARTIES[@]}"; do
  home=$DEMO/party-$party
  {
    echo "party_id: \"$party\""
    echo "http: {port: $((PORT + i))}"
    echo "log: {level: info, console: false}"
    echo "capacity: {cores: 8}"
    echo "partners:"
    j=0
    for other in "${PARTIES[@]}"; do
      [ "$other" != "$party" ] && echo "  - {party_id: \"$other\", host: 127.0.0.1, port: $((PORT + j)),"\
        "public_key: $DEMO/party-$other/keys/site_public.pem}"
      j=$((j + 1))
    done
    echo "security: {site_auth: true, permission: true}"
  } >"$home/conf/service_conf.yaml"
  "$BIN/service/app/fedflow-server" --config "$home/conf/service_conf.yaml" >"$home/server.out" 2>&1 &
  PIDS+=($!)
  i=$((i + 1))
done

FLOW="$BIN/tools/cli/fedflow --server 127.0.0.1:$PORT"
for k in 0 1 2; do
  for _ in $(seq 100); do
    "$BIN/tools/cli/fedflow" --server "127.0.0.1:$((PORT + k))" server health >/dev/null 2>&1 && break
    sleep 0.1
  done
done
echo "== three parties up: guest 9999 :$PORT, host 10000 :$((PORT + 1)), arbiter 10001 :$((PORT + 2))"
echo "== the host grants guest 9999 the job's components and the host's table"
"$BIN/tools/cli/fedflow" --server "127.0.0.1:$((PORT + 1))" permission grant -p 9999 -r guest \
  -c Reader,DataTransform,Intersection,FeatureScale,HeteroLR,HomoLR,Evaluation \
  -d experiment.breast_hetero_host,experiment.breast_homo_host
echo "== the arbiter grants guest 9999 HeteroLR (it holds the Paillier key, and no data) and HomoLR (it aggregates)"
"$BIN/tools/cli/fedflow" --server "127.0.0.1:$((PORT + 2))" permission grant -p 9999 -r guest -c HeteroLR,HomoLR
echo "== uploading the breast data sets: guest's at 9999, host's at 10000 (FATE upload confs)"
for split in hetero homo; do
  for side in guest host; do
    k=0; [ $side = host ] && k=1
    printf '{"file": "%s", "table_name": "breast_%s_%s", "namespace": "experiment", "head": 1, "partition": 8}\n' \
      "$PWD/examples/fate/data/breast_${split}_$side.csv" "$split" "$side" >"$DEMO/upload_${split}_$side.json"
    "$BIN/tools/cli/fedflow" --server "127.0.0.1:$((PORT + k))" data upload -c "$DEMO/upload_${split}_$side.json" --drop
  done
done
DSL=examples/fate/v1-dsl/test_intersect_job_dsl.json
run_job() {  # conf, title
  echo "== submitting $2"
  set +e
  $FLOW job submit -c "$1" -d $DSL --wait
  local rc=$?
  set -e
  JOB=$($FLOW --json job list -n 1 | sed -n 's/.*"job_id": "\([0-9]*\)".*/\1/p' | head -1)
  k=0
  for party in 9999 10000; do
    echo "== party $party sees:"
    "$BIN/tools/cli/fedflow" --server "127.0.0.1:$((PORT + k))" job query -j "$JOB"
    echo "-- its intersection metric and first output rows"
    role=guest; [ $party = 10000 ] && role=host
    "$BIN/tools/cli/fedflow" --server "127.0.0.1:$((PORT + k))" output metrics -j "$JOB" -r $role -p $party -t intersect_0 || true
    "$BIN/tools/cli/fedflow" --server "127.0.0.1:$((PORT + k))" output preview -j "$JOB" -r $role -p $party -t intersect_0 --limit 3 ||
      echo "   (no output here: with sync_intersect_ids false the host learns nothing, as in FATE)"
    k=$((k + 1))
  done
  return $rc
}
run_job examples/fate/v1-dsl/test_intersect_job_rsa_conf.json \
  "FATE's intersection example, unchanged (RSA 2048, examples/fate/v1-dsl/test_intersect_job_*.json)"
run_job examples/jobs/intersect_ecdh_conf.json "the same job with ECDH and the ids synchronised to the host"
echo "== submitting FATE's hetero LR example (examples/fate/v1-dsl/hetero_lr_normal_*.json, the arbiter on 10001):"
echo "   Reader -> DataTransform -> Intersection -> HeteroLR (Paillier 1024, rmsprop, L2) -> Evaluation"
$FLOW job submit -c examples/jobs/hetero_lr_three_party_conf.json -d examples/fate/v1-dsl/hetero_lr_normal_dsl.json --wait
JOB=$($FLOW --json job list -n 1 | sed -n 's/.*"job_id": "\([0-9]*\)".*/\1/p' | head -1)
echo "== this run's evaluation at the guest (AUC, KS, ... of the trained model on the training rows)"
$FLOW output metrics -j "$JOB" -r guest -p 9999 -t evaluation_0 --name hetero_lr_0
echo "== this run's loss per iteration (FATE's Taylor approximation, decrypted by the arbiter)"
$FLOW output metrics -j "$JOB" -r guest -p 9999 -t hetero_lr_0 --name loss
echo "== the guest's first predictions (FATE's columns)"
$FLOW output preview -j "$JOB" -r guest -p 9999 -t hetero_lr_0 --limit 3
echo "== the model registry: every party kept its part of the model; deploy it everywhere, then predict"
MODEL_ID="arbiter-10001#guest-9999#host-10000#model"
for _ in $(seq 50); do $FLOW model load -m "$MODEL_ID" -v "$JOB" >/dev/null 2>&1 && break; sleep 0.2; done
$FLOW model query -m "$MODEL_ID" -v "$JOB"
DEPLOYED=$($FLOW --json model deploy -m "$MODEL_ID" -v "$JOB" | sed -n 's/.*"model_version": "\([0-9]*\)".*/\1/p' | head -1)
echo "   deployed as version $DEPLOYED; FATE's predict DSL (examples/fate/v1-dsl/hetero_lr_normal_predict_dsl.json)"
echo "   with the predict conf the registry proposes (roles of the training job, job_type predict, its tables):"
$FLOW model predict-conf -m "$MODEL_ID" -v "$DEPLOYED" >"$DEMO/predict_conf.json"
$FLOW job submit -c "$DEMO/predict_conf.json" -d examples/fate/v1-dsl/hetero_lr_normal_predict_dsl.json --wait
PREDICT=$($FLOW --json job list -n 1 | sed -n 's/.*"job_id": "\([0-9]*\)".*/\1/p' | head -1)
echo "== the predict job's first scores (the trained model's on the same rows)"
$FLOW output preview -j "$PREDICT" -r guest -p 9999 -t hetero_lr_0 --limit 3
echo "== submitting FATE's homo LR example (examples/fate/v1-dsl/homo_lr_train_*.json, the arbiter on 10001):"
echo "   Reader -> DataTransform -> FeatureScale -> HomoLR (FedAvg, pairwise X25519 masks) -> Evaluation"
$FLOW job submit -c examples/jobs/homo_lr_three_party_conf.json -d examples/fate/v1-dsl/homo_lr_train_dsl.json --wait
JOB=$($FLOW --json job list -n 1 | sed -n 's/.*"job_id": "\([0-9]*\)".*/\1/p' | head -1)
echo "== this run's evaluation at the guest (its own 227 rows, the federated model)"
$FLOW output metrics -j "$JOB" -r guest -p 9999 -t evaluation_0 --name homo_lr_0
echo "== logs, databases and task directories: $DEMO"
echo "== the board (jobs, DAGs, logs, metrics): http://127.0.0.1:$PORT/ (guest), :$((PORT + 1)) (host), :$((PORT + 2)) (arbiter)"
if $KEEP; then
  echo "== --keep: the federation stays up; Ctrl-C stops it"
  while :; do sleep 3600; done
fi
