package sc.fiji.diffusion.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import sc.fiji.diffusion.engine.data.SyntheticScenes.Kind;

class SyntheticScenesTest {

    /** Enough seeds that per-scene parameter draws average out, few enough to stay fast. */
    private static final int SEEDS = 20;
    private static final int SIZE = 96;

    // ---------------------------------------------------------------- determinism

    @ParameterizedTest
    @EnumSource(Kind.class)
    void sameSeedGivesBitIdenticalScene(Kind kind) {
        float[] a = SyntheticScenes.scene(kind, 70, 90, 123L);
        float[] b = SyntheticScenes.scene(kind, 70, 90, 123L);
        assertArrayEquals(a, b);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void differentSeedsGiveDifferentScenes(Kind kind) {
        float[] a = SyntheticScenes.scene(kind, 64, 64, 1L);
        float[] b = SyntheticScenes.scene(kind, 64, 64, 2L);
        int differing = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                differing++;
            }
        }
        assertTrue(differing > a.length / 2, kind + ": only " + differing + " pixels differ");
    }

    @Test
    void streamIsReproducibleAndAdvances() {
        SyntheticScenes first = new SyntheticScenes(99L);
        SyntheticScenes second = new SyntheticScenes(99L);
        float[] previous = null;
        for (int i = 0; i < 6; i++) {
            float[] a = i % 2 == 0 ? first.next(40, 56) : first.next(Kind.values()[i % 5], 40, 56);
            float[] b = i % 2 == 0 ? second.next(40, 56) : second.next(Kind.values()[i % 5], 40, 56);
            assertArrayEquals(a, b, "scene " + i);
            if (previous != null) {
                assertFalse(Arrays.equals(previous, a), "stream repeated scene " + i);
            }
            previous = a;
        }
        assertFalse(Arrays.equals(new SyntheticScenes(1L).next(32, 32), new SyntheticScenes(2L).next(32, 32)));
    }

    @Test
    void rejectedCallDoesNotAdvanceTheStream() {
        SyntheticScenes stream = new SyntheticScenes(5L);
        assertThrows(IllegalArgumentException.class, () -> stream.next(0, 10));
        assertThrows(IllegalArgumentException.class, () -> stream.next(Kind.PUNCTA, 10, -3));
        assertArrayEquals(new SyntheticScenes(5L).next(24, 24), stream.next(24, 24));
    }

    // ---------------------------------------------------------------- value range and content

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindIsFiniteInRangeAndStructured(Kind kind) {
        int size = 128;
        int brightScenes = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            float[] img = SyntheticScenes.scene(kind, size, size, seed);
            assertEquals(size * size, img.length);
            for (float v : img) {
                assertTrue(Float.isFinite(v) && v >= 0f && v <= 1f, kind + " seed " + seed + ": value " + v);
            }
            assertTrue(std(img) > 0.02, kind + " seed " + seed + ": nearly constant, std " + std(img));
            double max = max(img);
            assertTrue(max > 0.4, kind + " seed " + seed + ": no bright structure, max " + max);
            if (max >= 0.5) {
                brightScenes++;
            }
        }
        // The brightest structures should usually reach the upper half of the range.
        assertTrue(brightScenes >= SEEDS * 3 / 4, kind + ": only " + brightScenes + " scenes reach 0.5");
    }

    // ---------------------------------------------------------------- optics

    /**
     * The energy of the 2x2 checkerboard filter measures power near the Nyquist frequency, where
     * a Gaussian PSF of sigma >= 0.8 passes almost nothing; unblurred edges and spots carry plenty.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void psfRemovesHighFrequencies(Kind kind) {
        int size = 128;
        double ratioSum = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            float[] blurred = SyntheticScenes.scene(kind, size, size, seed);
            float[] sharp = SyntheticScenes.render(kind, size, size, seed, false);
            double fraction = checkerEnergy(blurred, size, size) / (4 * variance(blurred));
            assertTrue(fraction < 0.08, kind + " seed " + seed + ": high-frequency fraction " + fraction);
            assertTrue(meanNeighbourDifference(blurred, size, size) < meanNeighbourDifference(sharp, size, size),
                    kind + " seed " + seed + ": blur did not smooth the scene");
            ratioSum += checkerEnergy(blurred, size, size) / checkerEnergy(sharp, size, size);
        }
        double meanRatio = ratioSum / SEEDS;
        assertTrue(meanRatio < 0.3, kind + ": blur kept " + meanRatio + " of the Nyquist energy");
    }

    @Test
    void sharpFilamentsAndPunctaHaveHighFrequencies() {
        // Guards the test above: without the PSF the metric must actually fire.
        for (Kind kind : new Kind[] {Kind.FILAMENTS, Kind.PUNCTA}) {
            double sum = 0;
            for (int seed = 0; seed < SEEDS; seed++) {
                float[] sharp = SyntheticScenes.render(kind, 128, 128, seed, false);
                sum += checkerEnergy(sharp, 128, 128) / (4 * variance(sharp));
            }
            assertTrue(sum / SEEDS > 0.1, kind + ": unblurred high-frequency fraction " + sum / SEEDS);
        }
    }

    @Test
    void blurKeepsConstantImagesConstantUpToTheBorder() {
        // Zero or clamped-wrong padding would darken or brighten the border rows and columns.
        int[][] shapes = {{40, 30}, {3, 2}, {1, 1}, {1, 25}};
        for (int[] shape : shapes) {
            float[] img = new float[shape[0] * shape[1]];
            Arrays.fill(img, 0.7f);
            SyntheticScenes.blurInPlace(img, shape[0], shape[1], 2.0);
            for (float v : img) {
                assertEquals(0.7f, v, 1e-5f, "shape " + Arrays.toString(shape));
            }
        }
    }

    @Test
    void blurSpreadsAnImpulseSymmetricallyAndKeepsItsMass() {
        int h = 41;
        int w = 45;
        float[] img = new float[h * w];
        img[20 * w + 22] = 1f;
        SyntheticScenes.blurInPlace(img, h, w, 1.5);
        double sum = 0;
        for (float v : img) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-5);
        assertEquals(img[20 * w + 19], img[20 * w + 25], 1e-7);
        assertEquals(img[17 * w + 22], img[23 * w + 22], 1e-7);
        assertEquals(img[20 * w + 19], img[17 * w + 22], 1e-7); // isotropic
        // Centre of a unit-mass 2D Gaussian with sigma 1.5 is about 1 / (2 pi 1.5^2).
        assertEquals(1 / (2 * Math.PI * 1.5 * 1.5), img[20 * w + 22], 2e-3);
    }

    // ---------------------------------------------------------------- kinds are distinguishable

    @Test
    void punctaHaveFarMoreIsolatedPeaksThanOtherKinds() {
        Map<Kind, Double> peaks = averageOverSeeds(img -> isolatedPeaksPerKilopixel(img, SIZE, SIZE));
        for (Kind other : Kind.values()) {
            if (other != Kind.PUNCTA) {
                assertTrue(peaks.get(Kind.PUNCTA) > 5 * peaks.get(other) + 0.2,
                        "isolated peaks per 1000 px: " + peaks);
            }
        }
    }

    @Test
    void nucleiCoverMoreBrightAreaThanFilamentsOrPuncta() {
        Map<Kind, Double> bright = averageOverSeeds(SyntheticScenesTest::brightFraction);
        assertTrue(bright.get(Kind.NUCLEI) > 2 * bright.get(Kind.FILAMENTS), "bright fraction: " + bright);
        assertTrue(bright.get(Kind.NUCLEI) > 2 * bright.get(Kind.PUNCTA), "bright fraction: " + bright);
    }

    @Test
    void onlyBlobKindsSurviveErosion() {
        // Lines and spots are at most a few PSF widths thick; nuclei and cells are much wider.
        Map<Kind, Double> thick = averageOverSeeds(img -> erodedBrightFraction(img, SIZE, SIZE, 3));
        for (Kind thin : new Kind[] {Kind.FILAMENTS, Kind.PUNCTA, Kind.MEMBRANES}) {
            assertTrue(thick.get(thin) < 0.02, "eroded bright fraction: " + thick);
        }
        assertTrue(thick.get(Kind.NUCLEI) > 0.1, "eroded bright fraction: " + thick);
        assertTrue(thick.get(Kind.CYTOPLASM) > 0.1, "eroded bright fraction: " + thick);
        // Whole cells are larger than their nuclei.
        assertTrue(thick.get(Kind.CYTOPLASM) > 1.5 * thick.get(Kind.NUCLEI), "eroded bright fraction: " + thick);
    }

    @Test
    void membranesEncloseDarkCellsUnlikeOtherThinKinds() {
        // Blob kinds also enclose dark area (nuclear holes in cytoplasm), but fail the erosion
        // test above; among thin structures only a tessellation closes its cells.
        Map<Kind, Double> enclosed = averageOverSeeds(img -> enclosedDarkFraction(img, SIZE, SIZE));
        assertTrue(enclosed.get(Kind.MEMBRANES) > 0.1, "dark area enclosed by bright structure: " + enclosed);
        assertTrue(enclosed.get(Kind.MEMBRANES) > 3 * enclosed.get(Kind.FILAMENTS), "enclosed: " + enclosed);
        assertTrue(enclosed.get(Kind.MEMBRANES) > 3 * enclosed.get(Kind.PUNCTA), "enclosed: " + enclosed);
    }

    // ---------------------------------------------------------------- size independence

    /**
     * Object counts must scale with area and brightness must not be normalised per image, or small
     * patches would not look like crops of large scenes. Seeds are shared between the two sizes,
     * which fixes the per-scene parameters and leaves only the object placement to differ.
     * Tolerances sit well above the spread seen across disjoint seed windows (at most ~20% for
     * sparse filaments, ~6% pooled) yet far below what a per-image count or normalisation causes.
     */
    @Test
    void meanIntensityDoesNotDependOnSceneSize() {
        int seeds = 16;
        double pooledLarge = 0;
        double pooledSmall = 0;
        for (Kind kind : Kind.values()) {
            double large = 0;
            double small = 0;
            for (int seed = 0; seed < seeds; seed++) {
                large += mean(SyntheticScenes.scene(kind, 512, 512, seed));
                small += mean(SyntheticScenes.scene(kind, 64, 64, seed));
            }
            double relative = Math.abs(small / large - 1);
            assertTrue(relative < 0.3, kind + ": mean 64x64 " + small / seeds + " vs 512x512 " + large / seeds);
            pooledLarge += large;
            pooledSmall += small;
        }
        double relative = Math.abs(pooledSmall / pooledLarge - 1);
        assertTrue(relative < 0.1, "pooled mean 64x64 vs 512x512 differ by " + relative);
    }

    // ---------------------------------------------------------------- sizes

    @Test
    void nonSquareAndTinySizesWork() {
        int[][] sizes = {{1, 1}, {1, 300}, {300, 1}, {16, 16}, {17, 203}, {203, 17}, {2048, 3}};
        for (Kind kind : Kind.values()) {
            for (int[] size : sizes) {
                float[] img = SyntheticScenes.scene(kind, size[0], size[1], 7L);
                assertEquals(size[0] * size[1], img.length);
                for (float v : img) {
                    assertTrue(Float.isFinite(v) && v >= 0f && v <= 1f,
                            kind + " " + Arrays.toString(size) + ": value " + v);
                }
                assertArrayEquals(img, SyntheticScenes.scene(kind, size[0], size[1], 7L));
            }
        }
    }

    @Test
    void nonSquareScenesAreIsotropic() {
        // Mixing up height and width anywhere in the pipeline scrambles rows, which makes vertical
        // neighbours far less alike than horizontal ones (or the reverse).
        for (int[] size : new int[][] {{24, 240}, {240, 24}}) {
            double horizontal = 0;
            double vertical = 0;
            for (int seed = 0; seed < 5; seed++) {
                float[] img = SyntheticScenes.scene(Kind.PUNCTA, size[0], size[1], seed);
                assertEquals(size[0] * size[1], img.length);
                horizontal += meanDifference(img, size[0], size[1], 1, 0);
                vertical += meanDifference(img, size[0], size[1], 0, 1);
            }
            double ratio = horizontal / vertical;
            assertTrue(ratio > 0.7 && ratio < 1.4, Arrays.toString(size) + ": horizontal/vertical " + ratio);
        }
    }

    @Test
    void badSizesAreRejectedWithAHelpfulMessage() {
        int[][] bad = {{0, 10}, {10, 0}, {-1, 5}, {5, -1}, {0, 0}};
        for (int[] size : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SyntheticScenes.scene(Kind.NUCLEI, size[0], size[1], 1L));
            assertTrue(e.getMessage().contains("height") && e.getMessage().contains("width"), e.getMessage());
        }
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class,
                () -> SyntheticScenes.scene(Kind.PUNCTA, 100_000, 100_000, 1L));
        assertTrue(huge.getMessage().contains("smaller"), huge.getMessage());
        assertThrows(NullPointerException.class, () -> SyntheticScenes.scene(null, 8, 8, 1L));
    }

    // ---------------------------------------------------------------- statistics

    private interface Statistic {
        double of(float[] image);
    }

    /** Scenes shared by the kind-identification tests, rendered once. */
    private static final Map<Kind, float[][]> SAMPLES = new EnumMap<>(Kind.class);

    private static synchronized float[][] samples(Kind kind) {
        return SAMPLES.computeIfAbsent(kind, k -> {
            float[][] scenes = new float[SEEDS][];
            for (int seed = 0; seed < SEEDS; seed++) {
                scenes[seed] = SyntheticScenes.scene(k, SIZE, SIZE, 1000 + seed);
            }
            return scenes;
        });
    }

    private static Map<Kind, Double> averageOverSeeds(Statistic statistic) {
        Map<Kind, Double> result = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            double sum = 0;
            for (float[] scene : samples(kind)) {
                sum += statistic.of(scene);
            }
            result.put(kind, sum / SEEDS);
        }
        return result;
    }

    private static double mean(float[] img) {
        double sum = 0;
        for (float v : img) {
            sum += v;
        }
        return sum / img.length;
    }

    private static double variance(float[] img) {
        double m = mean(img);
        double sum = 0;
        for (float v : img) {
            sum += (v - m) * (v - m);
        }
        return sum / img.length;
    }

    private static double std(float[] img) {
        return Math.sqrt(variance(img));
    }

    private static double max(float[] img) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : img) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static double percentile(float[] img, double p) {
        float[] sorted = img.clone();
        Arrays.sort(sorted);
        return sorted[(int) (p * (sorted.length - 1))];
    }

    /** Pixels above the given fraction of the way from background (5th percentile) to the maximum. */
    private static boolean[] brightMask(float[] img, double level) {
        double low = percentile(img, 0.05);
        double threshold = low + level * (max(img) - low);
        boolean[] mask = new boolean[img.length];
        for (int i = 0; i < img.length; i++) {
            mask[i] = img[i] > threshold;
        }
        return mask;
    }

    private static double brightFraction(float[] img) {
        int count = 0;
        for (boolean b : brightMask(img, 0.5)) {
            if (b) {
                count++;
            }
        }
        return (double) count / img.length;
    }

    private static double meanNeighbourDifference(float[] img, int h, int w) {
        double sum = 0;
        long n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (x + 1 < w) {
                    sum += Math.abs(img[y * w + x + 1] - img[y * w + x]);
                    n++;
                }
                if (y + 1 < h) {
                    sum += Math.abs(img[(y + 1) * w + x] - img[y * w + x]);
                    n++;
                }
            }
        }
        return sum / n;
    }

    private static double meanDifference(float[] img, int h, int w, int dx, int dy) {
        double sum = 0;
        long n = 0;
        for (int y = 0; y + dy < h; y++) {
            for (int x = 0; x + dx < w; x++) {
                sum += Math.abs(img[(y + dy) * w + x + dx] - img[y * w + x]);
                n++;
            }
        }
        return sum / n;
    }

    private static double checkerEnergy(float[] img, int h, int w) {
        double sum = 0;
        for (int y = 0; y + 1 < h; y++) {
            for (int x = 0; x + 1 < w; x++) {
                double c = img[y * w + x] - img[y * w + x + 1] - img[(y + 1) * w + x] + img[(y + 1) * w + x + 1];
                sum += c * c;
            }
        }
        return sum / ((h - 1) * (w - 1));
    }

    /**
     * Strict 3x3 maxima that stand out by 30% of the dynamic range above everything on the square
     * ring at distance 4: spots qualify, ridges and plateaus do not.
     */
    private static double isolatedPeaksPerKilopixel(float[] img, int h, int w) {
        int ring = 4;
        double low = percentile(img, 0.05);
        double range = max(img) - low;
        int count = 0;
        for (int y = ring; y < h - ring; y++) {
            for (int x = ring; x < w - ring; x++) {
                float v = img[y * w + x];
                if (v < low + 0.2 * range || !isStrictLocalMax(img, w, x, y)) {
                    continue;
                }
                float around = Float.NEGATIVE_INFINITY;
                for (int d = -ring; d <= ring; d++) {
                    around = Math.max(around, Math.max(img[(y - ring) * w + x + d], img[(y + ring) * w + x + d]));
                    around = Math.max(around, Math.max(img[(y + d) * w + x - ring], img[(y + d) * w + x + ring]));
                }
                if (v - around >= 0.3 * range) {
                    count++;
                }
            }
        }
        return 1000.0 * count / ((h - 2 * ring) * (w - 2 * ring));
    }

    private static boolean isStrictLocalMax(float[] img, int w, int x, int y) {
        float v = img[y * w + x];
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                if ((dx != 0 || dy != 0) && img[(y + dy) * w + x + dx] >= v) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Fraction of bright pixels whose whole (2r+1)^2 neighbourhood is bright as well. */
    private static double erodedBrightFraction(float[] img, int h, int w, int r) {
        boolean[] mask = brightMask(img, 0.5);
        int bright = 0;
        int kept = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!mask[y * w + x]) {
                    continue;
                }
                bright++;
                boolean all = true;
                for (int dy = -r; dy <= r && all; dy++) {
                    for (int dx = -r; dx <= r && all; dx++) {
                        int yy = Math.min(h - 1, Math.max(0, y + dy));
                        int xx = Math.min(w - 1, Math.max(0, x + dx));
                        all = mask[yy * w + xx];
                    }
                }
                if (all) {
                    kept++;
                }
            }
        }
        return bright == 0 ? 0 : (double) kept / bright;
    }

    /**
     * Fraction of dark pixels in 4-connected dark regions that do not reach the image border. The
     * low threshold keeps dim membrane segments closed.
     */
    private static double enclosedDarkFraction(float[] img, int h, int w) {
        boolean[] bright = brightMask(img, 0.3);
        boolean[] seen = new boolean[img.length];
        int[] stack = new int[img.length];
        int dark = 0;
        int enclosed = 0;
        for (int start = 0; start < img.length; start++) {
            if (bright[start] || seen[start]) {
                continue;
            }
            int top = 0;
            stack[top++] = start;
            seen[start] = true;
            int size = 0;
            boolean touchesBorder = false;
            while (top > 0) {
                int p = stack[--top];
                size++;
                int x = p % w;
                int y = p / w;
                touchesBorder |= x == 0 || y == 0 || x == w - 1 || y == h - 1;
                int[] neighbours = {x > 0 ? p - 1 : -1, x < w - 1 ? p + 1 : -1, y > 0 ? p - w : -1, y < h - 1 ? p + w : -1};
                for (int q : neighbours) {
                    if (q >= 0 && !bright[q] && !seen[q]) {
                        seen[q] = true;
                        stack[top++] = q;
                    }
                }
            }
            dark += size;
            if (!touchesBorder) {
                enclosed += size;
            }
        }
        return dark == 0 ? 0 : (double) enclosed / dark;
    }
}
