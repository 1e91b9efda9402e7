#!/bin/bash
# Session 12, run 34: the six GPU test classes and the throughput benchmark at commit 4d56bf5's code
# (session 11's last refactor, not run on a GPU then), beside the probes; super-resolution's windows (64, 144, 272) and
# x4 samples, steps and start levels on the 8 benchmark images; the benchmark again with libtorch's
# graph executor optimization on and GroupNorm split into element-wise steps it could fuse.
HOLES_UNTIL=330
source "$(dirname "$0")/common.sh"
X4="50:4:1:5,50:8:1:5,100:4:1:5,50:4:1:3,50:4:1:7,75:6:1:5"
sr() { local m=$1 f=$2 c=$3; shift 3; echo "== x$f $m bench $*"; holes -Dmodel=models/$m -Dbench=true -Dfactor=$f -Dcount=8 -Dconfigs=$c "$@"; }
s1() { for m in ddpm-fluo ddpm-fluo-large; do sr $m 2 15:3:1:0.5; sr $m 2 15:3:1:0.5 -Ddiffusion.window=144
       sr $m 2 15:3:1:0.5 -Ddiffusion.window=272 -Ddiffusion.overlap=16; done; }
s2() { sr ddpm-fluo 4 $X4; sr ddpm-fluo 4 50:4:1:5 -Ddiffusion.window=272 -Ddiffusion.overlap=16; sr ddpm-fluo 4 50:4:1:5 -Ddiffusion.window=144; }
s3() { sr ddpm-fluo-large 4 $X4; sr ddpm-fluo-large 4 50:4:1:5 -Ddiffusion.window=272 -Ddiffusion.overlap=16
       echo "== inpaint ddpm-fluo bench, window 144"; holes -Dmodel=models/ddpm-fluo -Dbench=true -Dcount=8 -Dconfigs=50:4:1:0.5,50:8:1:0.5 -Ddiffusion.window=144
       echo "== inpaint ddpm-fluo hard, window 144"; holes -Dmodel=models/ddpm-fluo -Dcount=32 -Dconfigs=50:4:1:0.5,50:8:1:0.5 -Ddiffusion.window=144; }
gpu_tests > /tmp/tests.log 2>&1 & s1 > /tmp/s1.log 2>&1 & s2 > /tmp/s2.log 2>&1 & s3 > /tmp/s3.log 2>&1 &
wait
{
echo "== tests (beside the probes)"; cat /tmp/tests.log
echo "== probes done $(since)"
cat /tmp/s1.log /tmp/s2.log /tmp/s3.log
echo "== benchmark, alone on the GPU $(since)"; throughput
echo "== benchmark, graph optimizer on, split GroupNorm $(since)"
throughput -Dai.djl.pytorch.graph_optimizer=true -Ddiffusion.groupnorm=split
echo "== total $(since)"
} > $OUT/log 2>&1
tail -40 $OUT/log
