// Fill the pixels marked in a mask image (non-zero = missing) with the diffusion prior.
// Known pixels come back unchanged. Without a mask, the selection (ROI) of the image is filled.
// Headless: ImageJ -batch inpaint_with_mask.ijm "image=/data/cell.tif mask=/data/holes.tif"
arg = getArgument();
imagePath = value(arg, "image");
maskPath = value(arg, "mask");
if (imagePath != "") open(imagePath);
if (nImages == 0) exit("Open the image to inpaint first.");
target = getTitle();
maskOption = "";
if (maskPath != "") {
	open(maskPath);
	maskOption = " mask=[" + getTitle() + "]";
	selectImage(target);
}
run("Inpaint (Diffusion)", "image=[" + target + "]" + maskOption + " steps=50 device=Auto");
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
