// 2x super-resolution of the active image (or of the file given as argument): the default estimate, the mean of 3
// posterior samples and their standard deviation as an uncertainty map. Pixel size is halved.
// Headless: ImageJ -batch super_resolution_with_uncertainty.ijm /data/cell.tif
arg = getArgument();
if (arg != "") open(arg);
if (nImages == 0) exit("Open an image first.");
run("Super-Resolution (Diffusion)", "image=[" + getTitle() + "] factor=2 uncertainty=true device=Auto");
getPixelSize(unit, pw, ph);
print("Super-resolved: " + getTitle() + ", " + getWidth() + " x " + getHeight() + ", pixel " + pw + " " + unit);
