#!/bin/bash
# Session 16, run 54: the code of commit 3044db3 (session 15's review: the wrapper reads NetworkDenoiser's tables,
# the folded convolution through UNetScript.conv, one level to any denoiser in TiledDenoiser), never run on
# a GPU before: the six GPU test classes and the throughput benchmark at tile 0 and 1024 windows.
source "$(dirname "$0")/common.sh"
{
  verify
  echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
