package sc.fiji.diffusion.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

/**
 * A 2-D Gaussian mixture with unequal weights and anisotropic covariances, and its exact denoiser.
 * Points are stored as (N, 1, 1, 2) arrays, the sampler's image layout. Smoothed by noise sigma the
 * mixture stays a mixture, with covariances {@code S_k = C_k + sigma^2 I}, so
 * {@code E[x0 | x] = sum_k g_k(x) (mu_k + C_k S_k^-1 (x - mu_k))} with responsibilities
 * {@code g_k ~ w_k N(x; mu_k, S_k)}: computed elementwise on the device, reading nothing back.
 */
final class GaussianMixture implements Denoiser {

	final double[] weights = { 0.5, 0.3, 0.2 };
	final double[][] means = { { -1.5, 0.5 }, { 1.5, 1.0 }, { 0.5, -1.5 } };
	/** Covariances as {a, b, c} for [[a, b], [b, c]]. */
	final double[][] covariances = { { 0.30, 0.12, 0.10 }, { 0.08, -0.03, 0.25 }, { 0.15, 0.0, 0.04 } };

	int components() {
		return weights.length;
	}

	@Override
	public NDArray denoise(final NDArray x, final NDArray sigma) {
		// Each sample may hold many independent points (last axis = coordinates), all at its sigma.
		final long batch = x.getShape().get(0), points = x.getShape().size() / batch / 2;
		final NDArray flat = x.reshape(-1, 2);
		final NDArray x1 = flat.get(":, 0"), x2 = flat.get(":, 1");
		final NDArray s2 = sigma.reshape(-1, 1).broadcast(new Shape(batch, points)).reshape(-1).square();
		final NDArray[] logp = new NDArray[components()], m1 = new NDArray[components()],
			m2 = new NDArray[components()];
		for (int k = 0; k < components(); k++) {
			final double a = covariances[k][0], b = covariances[k][1], c = covariances[k][2];
			final NDArray d1 = x1.sub(means[k][0]), d2 = x2.sub(means[k][1]);
			final NDArray sa = s2.add(a), sc = s2.add(c);
			final NDArray det = sa.mul(sc).sub(b * b);
			// v = S^-1 d
			final NDArray v1 = sc.mul(d1).sub(d2.mul(b)).div(det);
			final NDArray v2 = sa.mul(d2).sub(d1.mul(b)).div(det);
			final NDArray quad = d1.mul(v1).add(d2.mul(v2));
			logp[k] = quad.mul(-0.5).sub(det.log().mul(0.5)).add(Math.log(weights[k]));
			// mu + C v
			m1[k] = v1.mul(a).add(v2.mul(b)).add(means[k][0]);
			m2[k] = v1.mul(b).add(v2.mul(c)).add(means[k][1]);
		}
		final NDArray g = NDArrays.stack(new NDList(logp), 1).softmax(1);
		final NDArray e1 = NDArrays.stack(new NDList(m1), 1).mul(g).sum(new int[] { 1 });
		final NDArray e2 = NDArrays.stack(new NDList(m2), 1).mul(g).sum(new int[] { 1 });
		return NDArrays.stack(new NDList(e1, e2), 1).reshape(x.getShape());
	}

	/** Exact draws, on the host. */
	float[] draw(final int n, final long seed) {
		final SplittableRandom r = new SplittableRandom(seed);
		final float[] out = new float[2 * n];
		for (int i = 0; i < n; i++) {
			double u = r.nextDouble();
			int k = 0;
			while (k < components() - 1 && u >= weights[k]) u -= weights[k++];
			final double a = covariances[k][0], b = covariances[k][1], c = covariances[k][2];
			// Cholesky of [[a, b], [b, c]]
			final double l11 = Math.sqrt(a), l21 = b / l11, l22 = Math.sqrt(c - l21 * l21);
			final double z1 = r.nextGaussian(), z2 = r.nextGaussian();
			out[2 * i] = (float) (means[k][0] + l11 * z1);
			out[2 * i + 1] = (float) (means[k][1] + l21 * z1 + l22 * z2);
		}
		return out;
	}

	/** Component of highest responsibility under the clean mixture. */
	int classify(final double p, final double q) {
		int best = 0;
		double bestLog = Double.NEGATIVE_INFINITY;
		for (int k = 0; k < components(); k++) {
			final double a = covariances[k][0], b = covariances[k][1], c = covariances[k][2];
			final double det = a * c - b * b, d1 = p - means[k][0], d2 = q - means[k][1];
			final double quad = (c * d1 * d1 - 2 * b * d1 * d2 + a * d2 * d2) / det;
			final double l = Math.log(weights[k]) - 0.5 * Math.log(det) - 0.5 * quad;
			if (l > bestLog) {
				bestLog = l;
				best = k;
			}
		}
		return best;
	}

	/** Per component: weight, mean (2), covariance (a, b, c) of points classified to it. */
	double[][] statistics(final float[] points) {
		final int n = points.length / 2;
		final double[][] s = new double[components()][6];
		final int[] count = new int[components()];
		final double[][] sum = new double[components()][5];
		for (int i = 0; i < n; i++) {
			final double p = points[2 * i], q = points[2 * i + 1];
			final int k = classify(p, q);
			count[k]++;
			sum[k][0] += p;
			sum[k][1] += q;
			sum[k][2] += p * p;
			sum[k][3] += p * q;
			sum[k][4] += q * q;
		}
		for (int k = 0; k < components(); k++) {
			final double c = Math.max(1, count[k]);
			final double mp = sum[k][0] / c, mq = sum[k][1] / c;
			s[k] = new double[] { count[k] / (double) n, mp, mq, sum[k][2] / c - mp * mp, sum[k][3] / c - mp *
				mq, sum[k][4] / c - mq * mq };
		}
		return s;
	}

	/** Points as states of 100 points each: per-sample norms (corrector step sizes) are then stable. */
	static Shape stateShape(final int points) {
		return new Shape(points / 100, 1, 100, 2);
	}
}
