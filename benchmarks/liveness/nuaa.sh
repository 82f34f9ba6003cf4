#!/usr/bin/env bash
# Passive liveness model on NUAA, split by subject: train on 0001-0005, test on 0006-0008.
# Usage: benchmarks/liveness/nuaa.sh OUT_DIR   (run from the repository root; needs the train
# extra). The model and the JSON report go to OUT_DIR, outside the repository.
set -euo pipefail
out=${1:?usage: nuaa.sh OUT_DIR}
nuaa=../shared/datasets/nuaa_subset
mkdir -p "$out"
train_args=()
for s in 0001 0002 0003 0004 0005; do
    train_args+=(--live "$nuaa/ClientFace/$s" --attack "$nuaa/ImposterFace/$s")
done
test_args=()
for s in 0006 0007 0008; do
    test_args+=(--live "$nuaa/ClientFace/$s" --attack "$nuaa/ImposterFace/$s")
done
turnstile train-liveness "${train_args[@]}" --out "$out/nuaa_0001-0005.onnx"
turnstile eval liveness "${test_args[@]}" --model "$out/nuaa_0001-0005.onnx" \
    --json "$out/nuaa_test_0006-0008.json"
# The same model on the four phone photos (a print, a tablet replay, two live faces).
samples=../shared/datasets/antispoof_samples
tmp=$(mktemp -d)
mkdir "$tmp/live" "$tmp/attack"
ln -s "$(realpath $samples/image_T1.jpg)" "$(realpath $samples/image_T2.jpg)" "$tmp/live/"
ln -s "$(realpath $samples/image_F1.jpg)" "$(realpath $samples/image_F2.jpg)" "$tmp/attack/"
turnstile eval liveness --live "$tmp/live" --attack "$tmp/attack" \
    --model "$out/nuaa_0001-0005.onnx" --json "$out/antispoof_samples.json"
rm -r "$tmp"
