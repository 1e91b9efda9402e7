// Fill the pixels marked in a mask image (non-zero = missing) with the diffusion prior.
// Known pixels come back unchanged. Without a mask, the selection (ROI) of the image is filled.
// Headless: ImageJ -batch inpaint_with_mask.ijm "image=/data/cell.tif mask=/data/holes.tif"
arg = getArgument();
imagePath = value(arg, "image");
maskPath = value(arg, "mask");
if (imagePath != "") open(imagePath);
if (nImages == 0) exit("Open the image to inpaint first.");
target = getTitle();
// The mask goes by its path: an open mask named like the image (cell.tif and masks/cell.tif) would
// be ambiguous by title.
maskOption = "";
if (maskPath != "") maskOption = " mask=[" + maskPath + "]";
run("Inpaint (Diffusion)", "image=[" + target + "]" + maskOption + " device=Auto");
print("Inpainted: " + getTitle());

function value(options, key) {
	p = indexOf(" " + options, " " + key + "=");
	if (p < 0) return "";
	rest = substring(options, p + lengthOf(key) + 1);
	if (startsWith(rest, "[")) return substring(rest, 1, indexOf(rest, "]"));
	end = indexOf(rest, " ");
	if (end < 0) return rest;
	return substring(rest, 0, end);
}
