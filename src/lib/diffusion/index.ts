// The math engine of Diffusion Explorables: pure TypeScript, seeded, no DOM.
// Notation: t = 0 is data, t = T is noise; schedule arrays have length T + 1 (index 0 = data).
export * from './rng';
export * from './schedules';
export * from './datasets';
export * from './forward';
export * from './denoiser';
export * from './ideal';
export * from './mlp';
export * from './adam';
export * from './train';
export * from './samplers';
export * from './metrics';
export * from './export';
export * from './guidance';
