// KaTeX macros shared by every page (content/notation.svx defines what each symbol means).
// Used at build time only: svelte.config.js passes them to rehype-katex-svelte.
export const macros = {
  '\\x': '\\mathbf{x}',
  '\\abar': '\\bar\\alpha',
  '\\eps': '\\boldsymbol{\\epsilon}',
  '\\epshat': '\\boldsymbol{\\epsilon}_\\theta',
  '\\N': '\\mathcal{N}',
  '\\I': '\\mathbf{I}',
  '\\E': '\\mathbb{E}',
  '\\R': '\\mathbb{R}',
  '\\given': '\\mid',
  '\\snr': '\\operatorname{SNR}'
};
