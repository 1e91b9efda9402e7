#!/bin/bash
# Session 20, run 59: the session's last code (string concatenation compiled inline, the CLI's engine
# thread started before the cards, train --res-blocks): the six GPU test classes and the throughput
# benchmark at tile 0 and 1024 windows (half).
source "$(dirname "$0")/common.sh"
{
  verify
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
