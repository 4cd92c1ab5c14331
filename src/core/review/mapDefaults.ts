// Defaults of the review map (issue #11), shared by the worker (src/ml/umap.ts) and the page.

/** UMAP runs on this many principal components of the clip embeddings (docs/review.md: ~2× faster at 10,000 clips than on 1792-d). */
export const UMAP_PCA_DIMS = 50;
/** The map's default UMAP seed. */
export const UMAP_DEFAULT_SEED = 42;
