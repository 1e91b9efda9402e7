#!/bin/bash
# Session 15, run 53: ddpm-fluo-large continued for 180 s at a lower learning rate (3e-5, the mixed data
# of runs 43-44: an annealing chunk after 1e-4), then its quality on the five kinds and the held-out
# settings with the same commands as runs 42-52. Shipped only if it gains.
source "$(dirname "$0")/common.sh"
{
  echo "== train $(since)"
  m=ddpm-fluo-large
  timeout 240 java -cp "$J" sc.fiji.diffusion.cli.Main train --init models/$m --data synthetic-mixed \
    --output /tmp/r/$m --batch 64 --steps 1000000 --time 180 --lr 3e-5 --device gpu \
    --note "NVIDIA H200 (lent machine), session 15 run 53: a chunk at learning rate 3e-5 after 1e-4" > /tmp/train-$m.log 2>&1
  cp /tmp/r/$m/model.json $OUT/$m.json; cp /tmp/r/$m/weights.bin $OUT/$m.bin; cp /tmp/train-$m.log $OUT/train.log
  tail -1 /tmp/train-$m.log | cut -c1-300
  echo "== quality $(since)"
  quality_of /tmp/r/$m five --count 10 & quality_of /tmp/r/$m held --count 16 --scenes held-out & wait
  grep -h "^## \|^| \(denoise\|inpaint\|super\)" $OUT/quality.md
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
