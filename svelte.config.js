import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { mdsvex } from 'mdsvex';
import remarkMath from 'remark-math';
import rehypeKatexSvelte from 'rehype-katex-svelte';
import remarkEquations from './src/lib/build/remark-equations.js';
import { macros } from './src/lib/build/katex-macros.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  extensions: ['.svelte', '.svx'],
  preprocess: [
    vitePreprocess(),
    mdsvex({
      extensions: ['.svx'],
      smartypants: { dashes: 'oldschool' },
      // remark-math@3 is the version that matches mdsvex's remark; KaTeX renders at build
      // time into {@html ...}, so readers download KaTeX's CSS and fonts but no KaTeX JS.
      remarkPlugins: [remarkMath, remarkEquations],
      rehypePlugins: [[rehypeKatexSvelte, { macros, throwOnError: true, strict: 'ignore' }]]
    })
  ],
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
    alias: {
      $content: 'content',
      $models: 'models'
    },
    prerender: {
      handleHttpError: 'fail',
      handleMissingId: 'fail'
    }
  }
};

export default config;
