#!/usr/bin/env bash
# Remakes the dialog screenshots of README.md: ImageJ 1.x on a virtual display (Xvfb) opens the
# bundled sample and each restoration command's dialog, and ImageMagick's `import` takes the screen.
# Needs: mvn -B -q package -DskipTests (target/classes, target/cli-lib), Xvfb, imagemagick.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/plugins"
(cd target/classes && jar cf "$work/plugins/Diffusion_IJ.jar" plugins.config)
cp src/main/resources/samples/filaments-noisy.tif "$work/"
cp=target/classes:$(ls target/cli-lib/*.jar | tr '\n' ':')

shot() { # command label, output file, screen height
  local display=:$((90 + RANDOM % 9))
  Xvfb "$display" -screen 0 "620x$3x24" -nolisten tcp &
  local xvfb=$!
  sleep 2
  DISPLAY=$display java -Dai.djl.offline=true -Dplugins.dir="$work" \
    -Ddiffusion.models="$PWD/models" -cp "$cp" ij.ImageJ -eval \
    "open('$work/filaments-noisy.tif'); run('$1');" &
  local ij=$!
  sleep 12
  import -display "$display" -window root "$2"
  kill "$ij" "$xvfb" 2>/dev/null || true
  wait 2>/dev/null || true
}
shot "Denoise (Diffusion)" docs/screenshots/denoise-dialog.png 520
shot "Inpaint (Diffusion)" docs/screenshots/inpaint-dialog.png 580
shot "Super-Resolution (Diffusion)" docs/screenshots/super-resolution-dialog.png 580
