#!/bin/bash
# Session 14, run 43: the throughput benchmark alone at the code of session 13's end (commits 4425912 and
# b4e95e1 had not run on a GPU), then ddpm-fluo and ddpm-fluo-large each continued for 330 s on the wide
# world with the five kinds mixed in (--data synthetic-mixed, lr 1e-4; issue 10 point 7's x4), the six
# GPU test classes beside them.
source "$(dirname "$0")/common.sh"
tr() { local m=$1; timeout 400 java -cp "$J" sc.fiji.diffusion.cli.Main train --init models/$m --data synthetic-mixed \
    --output /tmp/r/$m --batch 64 --steps 1000000 --time 330 --lr 1e-4 --device gpu \
    --note "NVIDIA H200 (lent machine), session 14 run 43: two trainings beside the GPU tests; five kinds mixed in" \
    > /tmp/train-$m.log 2>&1; }
{
  echo "== benchmark $(since)"
  timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo,ddpm-fluo-large \
      --throughput 2048 --batches 0,1024 --repeats 5 2>&1 | grep -E "^\| ddpm.*(network|tiled)|Exception"
  echo "== train and tests $(since)"
  tr ddpm-fluo & tr ddpm-fluo-large &
  gpu_tests
  echo "== tests done $(since)"
  wait
  for m in ddpm-fluo ddpm-fluo-large; do
    cp /tmp/r/$m/model.json $OUT/$m.json; cp /tmp/r/$m/weights.bin $OUT/$m.bin; cp /tmp/train-$m.log $OUT/train-$m.log
    tail -2 /tmp/train-$m.log | cut -c1-400
  done
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
