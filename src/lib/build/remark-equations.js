// Numbered, referenceable equations for mdsvex (remark-math@3 syntax), resolved at build time.
//
//   $$ x_t = ... \label{eq:jump} $$    → equation (n), with an anchor id="eq-jump"
//   see [](#eq:jump)                   → <a class="eq-ref" href="#eq-jump">(n)</a>
//
// Numbers count labelled display equations in the order they appear in one chapter. An unknown
// or duplicated label fails the build with a message naming it, so a broken reference never ships.

const LABEL = /\\label\{(eq:[A-Za-z0-9_-]+)\}/;

/** @param {string} label e.g. "eq:jump" @returns {string} e.g. "eq-jump" */
export const anchorId = (label) => label.replace(':', '-');

function walk(node, parent, fn) {
  fn(node, parent);
  if (node.children) for (const child of [...node.children]) walk(child, node, fn);
}

export default function remarkEquations() {
  return (tree, file) => {
    const numbers = new Map();
    const where = file && (file.path || file.filename) ? ` in ${file.path || file.filename}` : '';

    // Pass 1: number the labelled display equations and put an anchor before each.
    const anchors = [];
    walk(tree, null, (node, parent) => {
      if (node.type !== 'math' || !parent) return;
      const m = LABEL.exec(node.value);
      if (!m) return;
      const label = m[1];
      if (numbers.has(label)) throw new Error(`remark-equations: duplicate \\label{${label}}${where}`);
      const n = numbers.size + 1;
      numbers.set(label, n);
      node.value = `${node.value.replace(LABEL, '').trimEnd()} \\tag{${n}}`;
      // remark-math@3 copies the TeX into data.hChildren, which is what rehype sees.
      if (node.data?.hChildren) node.data.hChildren = [{ type: 'text', value: node.value }];
      anchors.push({ parent, node, id: anchorId(label) });
    });
    for (const { parent, node, id } of anchors) {
      const i = parent.children.indexOf(node);
      parent.children.splice(i, 0, { type: 'html', value: `<span id="${id}" class="eq-anchor" aria-hidden="true"></span>` });
    }

    // Pass 2: turn [](#eq:label) into a link showing the equation's number.
    walk(tree, null, (node) => {
      if (node.type !== 'link' || !node.url || !node.url.startsWith('#eq:')) return;
      const label = node.url.slice(1);
      const n = numbers.get(label);
      if (n === undefined) throw new Error(`remark-equations: reference to unknown equation ${label}${where}`);
      node.url = `#${anchorId(label)}`;
      node.children = [{ type: 'text', value: `(${n})` }];
      node.data = { ...(node.data || {}), hProperties: { className: ['eq-ref'] } };
    });
  };
}
