// Denoise the active image with the default model (posterior mean: one network evaluation).
// The noise level is estimated and reported in the Log window. The input is not changed.
// Run from Fiji with an image open, or headless: ImageJ -batch restore_active_image.ijm /path/image.tif
arg = getArgument();
if (arg != "") open(arg);
if (nImages == 0) exit("Open an image first.");
run("Denoise (Diffusion)", "noise=auto device=Auto");
print("Restored: " + getTitle());
