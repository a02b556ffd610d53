// mdsvex chapters (content/**/*.svx) import as Svelte components. An ambient file (no import or
// export at top level), so the wildcard declaration applies everywhere.
declare module '*.svx' {
  import type { Component } from 'svelte';
  const component: Component;
  export default component;
  export const metadata: Record<string, unknown>;
}
