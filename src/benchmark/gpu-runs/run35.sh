#!/bin/bash
# Session 12, run 35: super-resolution and inpainting in windows of 272 (= 256 + an overlap of 16;
# run 34 found them better than 64 at x2 and x4 on the benchmark images) on the hard-case scenes
# and the benchmark images, both DDPM models and the NCSN; x4's samples, steps and start at 272; the
# runs ended at a higher level with its denoised estimate (-Ddiffusion.stopAt, model units).
HOLES_UNTIL=420
source "$(dirname "$0")/common.sh"
W="-Ddiffusion.window=272 -Ddiffusion.overlap=16"
p() { local what=$1; shift; echo "== $what | $*"; holes "$@"; }
s1() { for m in ddpm-fluo ddpm-fluo-large; do
         p "x2 $m hard" -Dmodel=models/$m -Dfactor=2 -Dcount=32 -Dconfigs=15:3:1:0.5
         p "x2 $m hard" -Dmodel=models/$m -Dfactor=2 -Dcount=32 -Dconfigs=15:3:1:0.5 $W
         p "x4 $m hard" -Dmodel=models/$m -Dfactor=4 -Dcount=32 -Dconfigs=50:4:1:5
         p "x4 $m hard" -Dmodel=models/$m -Dfactor=4 -Dcount=32 -Dconfigs=50:4:1:5 $W; done
       m=ncsn-fluo-wide
       p "x2 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=2 -Dcount=8 -Dconfigs=15:3:1:0.5 $W
       p "x4 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:4:1:5 $W
       p "x4 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:4:1:5; }
s2() { for m in ddpm-fluo ddpm-fluo-large; do
         p "inpaint $m bench" -Dmodel=models/$m -Dbench=true -Dcount=8 -Dconfigs=50:4:1:0.5,50:8:1:0.5 $W
         p "inpaint $m hard" -Dmodel=models/$m -Dcount=32 -Dconfigs=50:4:1:0.5,50:8:1:0.5 $W; done
       m=ddpm-fluo
       p "inpaint $m bench" -Dmodel=models/$m -Dbench=true -Dcount=8 -Dconfigs=50:8:1:0.5 -Ddiffusion.window=144 -Ddiffusion.overlap=16
       p "inpaint $m hard" -Dmodel=models/$m -Dcount=32 -Dconfigs=50:8:1:0.5 -Ddiffusion.window=144 -Ddiffusion.overlap=16; }
s3() { m=ddpm-fluo
       for s in 0.05 0.1 0.2; do
         p "inpaint $m hard" -Dmodel=models/$m -Dcount=32 -Dconfigs=50:8:1:0.5,50:4:1:0.5 -Ddiffusion.stopAt=$s
         p "inpaint $m bench" -Dmodel=models/$m -Dbench=true -Dcount=8 -Dconfigs=50:8:1:0.5 -Ddiffusion.stopAt=$s; done
       p "x4 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:8:1:5,100:4:1:5,50:4:1:3,50:4:1:7,30:4:1:5 $W
       for s in 0.05 0.1; do p "x4 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=4 -Dcount=8 -Dconfigs=50:4:1:5 $W -Ddiffusion.stopAt=$s
         p "x2 $m bench" -Dmodel=models/$m -Dbench=true -Dfactor=2 -Dcount=8 -Dconfigs=15:3:1:0.5 $W -Ddiffusion.stopAt=$s; done; }
s1 > /tmp/s1.log 2>&1 & s2 > /tmp/s2.log 2>&1 & s3 > /tmp/s3.log 2>&1 &
wait
{ echo "== probes done $(since)"; cat /tmp/s1.log /tmp/s2.log /tmp/s3.log; } > $OUT/log 2>&1
grep -E "^==|median" $OUT/log
