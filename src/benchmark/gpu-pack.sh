#!/bin/bash
# The GPU kit's pack (../shared/gpu/pack.sh), then the volume codecs' jars (zstd-jni, blosc-java: 11 MB
# of natives for every platform) taken out of .gpu/app/cli-lib: GPU runs do not read Zarr, and the
# tree that travels to the GPU machine is limited to 64 MiB. Run from the project root after
# `mvn -B -q clean package test-compile -DskipTests -Dai.djl.offline=true`.
set -eu
../shared/gpu/pack.sh | grep -v '^working tree'
rm -f .gpu/app/cli-lib/zstd-jni-*.jar .gpu/app/cli-lib/blosc-java-*.jar
echo "working tree that travels (tracked + .gpu): $(( ($(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1) + $(du -sb .gpu | cut -f1)) / 1048576 )) MiB of 64"
