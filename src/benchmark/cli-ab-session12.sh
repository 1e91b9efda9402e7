#!/bin/bash
# Session 12 CLI A/B on this 2-core machine: the jar of commit 61151b2 (/tmp/newcli2) against the
# 5102e42 worktree (/tmp/old), each with its own defaults and models, alternating, three rounds.
while pgrep -f cpuprobe.sh > /dev/null; do sleep 5; done
t() { local tag=$1; shift; local s=$(date +%s.%N); "$@" > /tmp/ab12.log 2>&1; local rc=$?; echo "$tag $(python3 -c "print(round($(date +%s.%N)-$s,1))") rc $rc"; }
for r in 1 2 3; do
  cd /tmp/old
  t "old denoise" java -jar target/diffusion-ij-cli.jar denoise --input /tmp/s512.tif --noise gaussian:50 --output /tmp/od.tif --device cpu
  cd /work/main
  t "new denoise" java -jar /tmp/newcli2/diffusion-ij-cli.jar denoise --input /tmp/s512.tif --noise gaussian:50 --output /tmp/nd.tif --device cpu
  cd /tmp/old
  t "old x2" java -jar target/diffusion-ij-cli.jar super-resolve --factor 2 --input /tmp/s256.tif --output /tmp/o2.tif --device cpu
  cd /work/main
  t "new x2" java -jar /tmp/newcli2/diffusion-ij-cli.jar super-resolve --factor 2 --input /tmp/s256.tif --output /tmp/n2.tif --device cpu
  cd /tmp/old
  t "old inpaint" java -jar target/diffusion-ij-cli.jar inpaint --input /tmp/s512.tif --mask /tmp/m512.tif --output /tmp/oi.tif --device cpu
  cd /work/main
  t "new inpaint" java -jar /tmp/newcli2/diffusion-ij-cli.jar inpaint --input /tmp/s512.tif --mask /tmp/m512.tif --output /tmp/ni.tif --device cpu
done
cd /tmp/old
t "old x4" java -jar target/diffusion-ij-cli.jar super-resolve --factor 4 --input /tmp/s128.tif --output /tmp/o4.tif --device cpu
cd /work/main
t "new x4" java -jar /tmp/newcli2/diffusion-ij-cli.jar super-resolve --factor 4 --input /tmp/s128.tif --output /tmp/n4.tif --device cpu
