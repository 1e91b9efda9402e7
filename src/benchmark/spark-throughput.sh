#!/bin/bash
# Blocks per second of the Spark job on local[1] and local[2] (PyTorch threads x task slots = the
# machine's cores), one run each, on a generated uint16 volume of 8 planes of 512 x 512 in chunks of
# 1 x 256 x 256 (32 blocks), denoised with ddpm-fluo on the CPU. The job's own line says the chunks
# and the seconds from the SparkContext's start to the last chunk. Run from the project root after
# `mvn -B install -DskipTests && mvn -B -f spark/pom.xml test-compile`.
set -euo pipefail
d=$(mktemp -d)
/usr/bin/python3 - "$d/in.zarr" <<'PY'
import sys, numpy as np, zarr
r = np.random.default_rng(1)
y, x = np.mgrid[0:512, 0:512]
v = np.stack([300 + 400 * np.sin(x / 9 + k) * np.cos(y / 13) for k in range(8)]) + r.normal(0, 25, (8, 512, 512))
z = zarr.open(sys.argv[1], mode="w", shape=v.shape, chunks=(1, 256, 256), dtype="u2", compressor=None)
z[:] = np.clip(v, 0, 65535).astype("u2")
PY
mvn -q -B -f spark/pom.xml dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$d/cp.txt" >/dev/null
cp="spark/target/classes:$(cat "$d/cp.txt")"
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
: > "$d/job.jar.txt"; (cd "$d" && jar cf job.jar job.jar.txt)
for m in "local[1]" "local[2]"; do
  java $opens -Dai.djl.offline=true -Xmx2g -cp "$cp" org.apache.spark.deploy.SparkSubmit --master "$m" \
    --conf spark.ui.enabled=false --conf spark.driver.host=127.0.0.1 --class sc.fiji.diffusion.spark.SparkRestoreVolume \
    "$d/job.jar" --input "$d/in.zarr" --output "$d/out-$m.zarr" --device cpu --model ddpm-fluo --noise gaussian:25 2>"$d/log-$m" \
    | sed "s/^/$m: /"
  grep -E "PyTorch threads" "$d/log-$m" | sed "s/^/$m: /"
done
rm -rf "$d"
