#!/bin/bash
# Session 14, run 44: ddpm-fluo and ddpm-fluo-large continued for 280 s more from run 43's steps (33174,
# 30062) with the five kinds mixed in, beside the quality benchmark of run 43's ddpm-fluo-large (five kinds,
# and held-out settings); then the same for the continued ddpm-fluo-large. The same explicit options as
# run 42 (issue 10 point 7).
source "$(dirname "$0")/common.sh"
tr() { local m=$1; timeout 360 java -cp "$J" sc.fiji.diffusion.cli.Main train --init models/$m --data synthetic-mixed \
    --output /tmp/r/$m --batch 64 --steps 1000000 --time 280 --lr 1e-4 --device gpu \
    --note "NVIDIA H200 (lent machine), session 14 run 44: two trainings beside two quality runs; five kinds mixed in" \
    > /tmp/train-$m.log 2>&1; }
{
  echo "== train $(since)"
  tr ddpm-fluo & tr ddpm-fluo-large &
  quality_of models/ddpm-fluo-large s43-five --count 10 & quality_of models/ddpm-fluo-large s43-held --count 16 --scenes held-out &
  wait
  for m in ddpm-fluo ddpm-fluo-large; do
    cp /tmp/r/$m/model.json $OUT/$m.json; cp /tmp/r/$m/weights.bin $OUT/$m.bin; tail -1 /tmp/train-$m.log | cut -c1-300
  done
  cp /tmp/train-ddpm-fluo-large.log $OUT/train-ddpm-fluo-large.log
  echo "== quality of the continued model $(since)"
  quality_of /tmp/r/ddpm-fluo-large s44-five --count 10 & quality_of /tmp/r/ddpm-fluo-large s44-held --count 16 --scenes held-out & wait
  grep -h "^## \|^| \(denoise\|inpaint\|super\)" $OUT/quality.md
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
