#!/bin/bash
# Session 20, run 61: ddpm-fluo-large continued for 240 s at batch 256 (run 60: from scratch, batch 256 at twice
# the learning rate learnt faster per GPU second than batch 64), learning rate 2e-4, the mixed data; then its quality
# on the five kinds and the held-out settings with the same commands as runs 42-53. Shipped only if it gains.
source "$(dirname "$0")/common.sh"
{
  echo "== train $(since)"
  m=ddpm-fluo-large
  timeout 330 java -cp "$J" sc.fiji.diffusion.cli.Main train --init models/$m --data synthetic-mixed \
    --output /tmp/r/$m --batch 256 --steps 1000000 --time 240 --lr 2e-4 --device gpu \
    --note "NVIDIA H200 (lent machine), session 20 run 61: a chunk at batch 256, learning rate 2e-4" > /tmp/train-$m.log 2>&1
  cp /tmp/r/$m/model.json $OUT/$m.json; cp /tmp/r/$m/weights.bin $OUT/$m.bin; cp /tmp/train-$m.log $OUT/train.log
  tail -1 /tmp/train-$m.log | cut -c1-300
  echo "== quality $(since)"
  quality_of /tmp/r/$m five --count 10 & quality_of /tmp/r/$m held --count 16 --scenes held-out & wait
  grep -h "^## \|^| \(denoise\|inpaint\|super\)" $OUT/quality.md
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
