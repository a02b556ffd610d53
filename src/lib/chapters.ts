// The table of contents: one list for the home page, navigation and the prerenderer.
// A chapter is "ready" when content/chapters/NN-slug.svx exists.

export interface ChapterInfo {
  number: number;
  slug: string;
  title: string;
  summary: string;
}

export const CHAPTERS: ChapterInfo[] = [
  { number: 1, slug: 'images-are-points', title: 'Images are points', summary: 'A two-pixel image is a point in the unit square; a dataset is a shape.' },
  { number: 2, slug: 'adding-noise', title: 'Adding noise is a random walk', summary: 'The forward process, its schedules, and the closed-form jump to any time t.' },
  { number: 3, slug: 'learning-to-point-back', title: 'Learning to point back', summary: 'The time-varying vector field a network learns, and why it predicts the total noise.' },
  { number: 4, slug: 'ddpm', title: 'DDPM', summary: 'Ancestral sampling: walking back from noise, one small random step at a time.' },
  { number: 5, slug: 'ddim', title: 'DDIM and the probability-flow ODE', summary: 'The same distribution, reached deterministically and in far fewer steps.' },
  { number: 6, slug: 'guidance', title: 'Guidance', summary: 'Class-conditional fields, classifier-free guidance and negative prompts.' },
  { number: 7, slug: 'evolution', title: 'Diffusion is evolution', summary: 'Denoising without a network: a population that evolves towards fitness peaks.' },
  { number: 8, slug: 'clip', title: 'CLIP: one space for words and pictures', summary: 'Contrastive training puts captions and images in one embedding space.' },
  { number: 9, slug: 'latent-diffusion', title: 'Latent diffusion', summary: 'Diffusing in an autoencoder’s small latent space instead of pixels.' },
  { number: 10, slug: 'stable-diffusion', title: 'Stable Diffusion, step by step', summary: 'A real text-to-image run, scrubbed timestep by timestep.' }
];

const files = import.meta.glob('/content/chapters/*.svx');

/** Map from slug to the lazy importer of its .svx module. */
export const chapterModules: Record<string, () => Promise<unknown>> = {};
for (const [path, load] of Object.entries(files)) {
  const m = /\/\d+-([a-z0-9-]+)\.svx$/.exec(path);
  if (m) chapterModules[m[1]] = load;
}

export function isReady(slug: string): boolean {
  return slug in chapterModules;
}

export function readyChapters(): ChapterInfo[] {
  return CHAPTERS.filter((c) => isReady(c.slug));
}

export function neighbours(slug: string): { prev?: ChapterInfo; next?: ChapterInfo } {
  const ready = readyChapters();
  const i = ready.findIndex((c) => c.slug === slug);
  return { prev: i > 0 ? ready[i - 1] : undefined, next: i >= 0 && i < ready.length - 1 ? ready[i + 1] : undefined };
}
