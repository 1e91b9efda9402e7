#!/bin/bash
# Session 15, run 50: ddpm-fluo-large and ddpm-fluo continued for 270 s on the five kinds alone (`--data
# synthetic`, the old model's own world, where x4 trails issue 10's +1 dB), side by side; then the quality
# benchmark of both continued models, five kinds and held-out settings, with the same explicit options as
# runs 42-44 (issue 10 point 7). The weights come back to be shipped only if they gain.
source "$(dirname "$0")/common.sh"
tr() { local m=$1; timeout 340 java -cp "$J" sc.fiji.diffusion.cli.Main train --init models/$m --data synthetic \
    --output /tmp/r/$m --batch 64 --steps 1000000 --time 270 --lr 1e-4 --device gpu \
    --note "NVIDIA H200 (lent machine), session 15 run 50: two trainings side by side; the five kinds alone" \
    > /tmp/train-$m.log 2>&1; }
{
  echo "== train $(since)"
  tr ddpm-fluo & tr ddpm-fluo-large & wait
  for m in ddpm-fluo ddpm-fluo-large; do
    cp /tmp/r/$m/model.json $OUT/$m.json; cp /tmp/r/$m/weights.bin $OUT/$m.bin; tail -1 /tmp/train-$m.log | cut -c1-400
  done
  echo "== quality of the continued models $(since)"
  for m in ddpm-fluo ddpm-fluo-large; do
    quality_of /tmp/r/$m $m-five --count 10 & quality_of /tmp/r/$m $m-held --count 16 --scenes held-out &
  done
  wait
  grep -h "^## \|^| \(denoise\|inpaint\|super\)" $OUT/quality.md
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
