#!/bin/bash
# Session 12, run 36: the six GPU test classes at the session's code (super-resolution in windows of
# 272 by default); the throughput benchmark; warm restorations of 2048^2 (super-resolution x2 now in
# the large windows); whole CLI calls of super-resolution x2 and x4 to 2048^2; x4 ended at level 0.1
# on the hard cases (run 35 found +0.23 dB on the benchmark images).
HOLES_UNTIL=200
source "$(dirname "$0")/common.sh"
{
echo "== tests"; gpu_tests
echo "== x4 hard, stopAt $(since)"
for m in ddpm-fluo ddpm-fluo-large; do for s in 0 0.1; do
  echo "-- $m stopAt $s"; holes -Dmodel=models/$m -Dfactor=4 -Dcount=32 -Dconfigs=50:4:1:5 -Ddiffusion.stopAt=$s | grep median; done; done
echo "== benchmark $(since)"; throughput
echo "== warm restorations $(since)"
timeout 150 java -cp "$J" sc.fiji.diffusion.cli.Main benchmark --device gpu --models ddpm-fluo-large --restorations 2048 2>&1 | tail -14
echo "== CLI calls $(since)"
java -cp "$J" sc.fiji.diffusion.benchmark.BenchmarkImages 1024 /tmp/s1024.tif /tmp/m1024.tif
java -cp "$J" sc.fiji.diffusion.benchmark.BenchmarkImages 512 /tmp/s512.tif /tmp/m512.tif
for a in "2 /tmp/s1024.tif" "4 /tmp/s512.tif"; do set -- $a
  s=$(date +%s.%N); timeout 120 java -cp "$J" sc.fiji.diffusion.cli.Main super-resolve --factor $1 --input $2 --output /tmp/o.tif --device gpu > /tmp/cli.log 2>&1; rc=$?
  echo "$(python3 -c "print(round($(date +%s.%N)-$s,2))") s rc $rc: super-resolve x$1 of $2 to 2048^2"; grep -iE "model|samples|windows|error" /tmp/cli.log | head -4
done
echo "== total $(since)"
} > $OUT/log 2>&1
cat $OUT/log
