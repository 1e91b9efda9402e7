// Denoise every TIFF of a folder into another folder, as 32-bit TIFFs named like the inputs.
// Files already in the output folder are skipped, so a stopped batch continues where it stopped;
// each result is written under a temporary name and then renamed, never half-written.
// Headless: ImageJ -batch batch_restore_folder.ijm "input=/data/raw output=/data/denoised"
arg = getArgument();
input = value(arg, "input");
output = value(arg, "output");
if (input == "") input = getDirectory("Folder of images to restore");
if (output == "") output = getDirectory("Folder for the results");
if (!endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, File.separator)) output = output + File.separator;
if (input == output) exit("Choose an output folder other than the input folder: inputs are never overwritten.");
setBatchMode(true);
list = getFileList(input);
done = 0; skipped = 0; folders = 0;
for (i = 0; i < list.length; i++) {
	name = list[i];
	if (endsWith(name, "/")) { folders++; continue; }
	lower = toLowerCase(name);
	if (!(endsWith(lower, ".tif") || endsWith(lower, ".tiff"))) continue;
	if (endsWith(lower, ".part.tif")) continue; // left by a stopped run
	if (File.exists(output + name)) continue;
	open(input + name);
	source = getImageID();
	if (bitDepth() == 24) {
		print("Skipped " + name + ": an RGB image (convert it with Image > Type > RGB Stack first).");
		close();
		skipped++;
		continue;
	}
	run("Denoise (Diffusion)", "image=[" + getTitle() + "] noise=auto device=Auto");
	if (getImageID() == source) exit("Denoising " + name + " gave no result: see the Log window.");
	saveAs("Tiff", output + name + ".part.tif");
	if (!File.rename(output + name + ".part.tif", output + name)) exit("Could not rename the result of " + name + " in " + output);
	close();
	selectImage(source);
	close();
	done++;
	showProgress(i + 1, list.length);
}
if (folders > 0) print(folders + " subfolder(s) of " + input + " not entered: run the macro on each.");
// A run stopped by an error prints no such line: check for it when scripting.
print("Restored " + done + " image(s) into " + output + ", skipped " + skipped + ".");

function value(options, key) {
	// key=value or key=[value with spaces] from the macro's argument
	p = indexOf(" " + options, " " + key + "=");
	if (p < 0) return "";
	rest = substring(options, p + lengthOf(key) + 1);
	if (startsWith(rest, "[")) return substring(rest, 1, indexOf(rest, "]"));
	end = indexOf(rest, " ");
	if (end < 0) return rest;
	return substring(rest, 0, end);
}
