#!/bin/bash
# Session 15, run 52: issue 10 point 7 on one device: the old model of issue 10's day (ddpm-fluo at step
# 7865, commit 5365b4c, carried as .gpu/old/ddpm-fluo) beside the shipped ddpm-fluo-large, the same
# quality commands as runs 42-44 and 50, five kinds and held-out settings, all four side by side.
source "$(dirname "$0")/common.sh"
QUALITY_TIMEOUT=240
{
  echo "== quality $(since)"
  quality_of .gpu/old/ddpm-fluo old-five --count 10 & quality_of .gpu/old/ddpm-fluo old-held --count 16 --scenes held-out &
  quality_of models/ddpm-fluo-large large-five --count 10 & quality_of models/ddpm-fluo-large large-held --count 16 --scenes held-out &
  wait
  grep -h "^## \|^| \(denoise\|inpaint\|super\)" $OUT/quality.md
  tail -3 /tmp/q-old-five.log
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
