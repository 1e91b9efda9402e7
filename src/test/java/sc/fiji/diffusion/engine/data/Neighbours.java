package sc.fiji.diffusion.engine.data;

/** Test helper: how much neighbouring pixels differ, along each axis. */
public final class Neighbours {

    private Neighbours() {}

    /** Adds the absolute differences of horizontal neighbours to sums[0], of vertical ones to sums[1]. */
    public static void addDifferences(float[] image, int n, double[] sums) {
        for (int y = 0; y < n - 1; y++) {
            for (int x = 0; x < n - 1; x++) {
                sums[0] += Math.abs(image[y * n + x + 1] - image[y * n + x]);
                sums[1] += Math.abs(image[(y + 1) * n + x] - image[y * n + x]);
            }
        }
    }
}
