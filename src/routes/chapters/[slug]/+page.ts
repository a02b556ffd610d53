import { error } from '@sveltejs/kit';
import type { Component } from 'svelte';
import { CHAPTERS, chapterModules, neighbours } from '$lib/chapters';
import type { EntryGenerator, PageLoad } from './$types';

export const entries: EntryGenerator = () =>
  CHAPTERS.filter((c) => c.slug in chapterModules).map((c) => ({ slug: c.slug }));

export const load: PageLoad = async ({ params }) => {
  const info = CHAPTERS.find((c) => c.slug === params.slug);
  const loader = chapterModules[params.slug];
  if (!info || !loader) error(404, 'This chapter has not been written yet.');
  const mod = (await loader()) as { default: Component; metadata?: { description?: string } };
  return { info, component: mod.default, description: mod.metadata?.description ?? info.summary, ...neighbours(params.slug) };
};
