#!/bin/bash
# Session 12, run 37: inpainting's mean shrunk toward the first guess hole by hole (restore/Shrink),
# against the plain mean, on the hard cases and the benchmark images (ShrinkProbeTest), K = 8 and 4,
# both DDPM models; then the six GPU test classes at this code.
source "$(dirname "$0")/common.sh"
sp() { timeout 150 java -Dmeasure=true -Ddevice=gpu "$@" -cp "$J" org.junit.platform.console.ConsoleLauncher execute \
  --disable-banner --details=summary --select-class sc.fiji.diffusion.restore.ShrinkProbeTest 2>&1 | grep -E "SHRINK|Exception"; }
s1() { for k in 8 4; do echo "== ddpm-fluo hard K=$k"; sp -Dmodel=models/ddpm-fluo -Dcount=32 -Dsamples=$k
       echo "== ddpm-fluo bench K=$k"; sp -Dmodel=models/ddpm-fluo -Dbench=true -Dcount=8 -Dsamples=$k; done; }
s2() { echo "== ddpm-fluo-large hard K=8"; sp -Dmodel=models/ddpm-fluo-large -Dcount=32 -Dsamples=8
       echo "== ddpm-fluo-large bench K=8"; sp -Dmodel=models/ddpm-fluo-large -Dbench=true -Dcount=8 -Dsamples=8; }
s1 > /tmp/s1.log 2>&1 & s2 > /tmp/s2.log 2>&1 & gpu_tests > /tmp/tests.log 2>&1 &
wait
{ echo "== probes and tests done $(since)"; cat /tmp/tests.log /tmp/s1.log /tmp/s2.log; } > $OUT/log 2>&1
grep -E "^==|K=|tests|Exception" $OUT/log
