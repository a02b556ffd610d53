// Export the ShapesWorld training and held-out data from the same TypeScript generator the site
// uses, for the PyTorch recipes in models/shapesworld/.
//
//   npm run shapesworld:data            (node scripts/run-ts.mjs scripts/export-shapesworld.ts)
//   … -- --train 2000 --heldout 200     (smaller, for a quick test)
//
// Writes, under models/shapesworld/data/ (git-ignored):
//   {split}.images.u8   N×64×64×3 bytes, HWC RGB
//   {split}.tokens.i16  N×C×L int16 token ids of the C captions of each image (L = 20)
//   {split}.json        {count, captionsPerImage, maxTokens, samples: [{seed, shapes, relation, captions}]}
// and the tokenizer's vocabulary to models/shapesworld/vocab.json (tracked).
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  generate,
  toBytes,
  tokenize,
  VOCAB,
  TOKENIZER_RULES,
  MAX_TOKENS,
  SPLITS,
  IMAGE_SIZE,
  SHAPES,
  COLOURS,
  SIZES,
  POSITIONS,
  RELATIONS,
  type SplitName
} from '../src/lib/diffusion/shapesworld';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const root = resolve('models/shapesworld');
const dataDir = resolve(root, 'data');
mkdirSync(dataDir, { recursive: true });
const C = 4;

writeFileSync(
  resolve(root, 'vocab.json'),
  JSON.stringify(
    {
      vocab: VOCAB,
      rules: TOKENIZER_RULES,
      attributes: { shapes: SHAPES, colours: COLOURS, sizes: SIZES, positions: POSITIONS, relations: RELATIONS }
    },
    null,
    1
  ) + '\n'
);

for (const split of Object.keys(SPLITS) as SplitName[]) {
  const { start, count: full } = SPLITS[split];
  const count = arg(split) ?? full;
  const t0 = Date.now();
  const px = IMAGE_SIZE * IMAGE_SIZE * 3;
  const images = new Uint8Array(count * px);
  const tokens = new Int16Array(count * C * MAX_TOKENS);
  const samples = [];
  for (let i = 0; i < count; i++) {
    const s = generate(start + i, {}, C);
    images.set(toBytes(s.pixels), i * px);
    s.captions.forEach((c, j) => tokens.set(tokenize(c), (i * C + j) * MAX_TOKENS));
    samples.push({
      seed: s.seed,
      shapes: s.label.shapes.map(({ shape, colour, size, position, x, y, r }) => ({
        shape,
        colour,
        size,
        position,
        x: +x.toFixed(2),
        y: +y.toFixed(2),
        r: +r.toFixed(2)
      })),
      relation: s.label.relation,
      captions: s.captions
    });
  }
  writeFileSync(resolve(dataDir, `${split}.images.u8`), images);
  writeFileSync(resolve(dataDir, `${split}.tokens.i16`), new Uint8Array(tokens.buffer));
  writeFileSync(
    resolve(dataDir, `${split}.json`),
    JSON.stringify({ split, count, captionsPerImage: C, maxTokens: MAX_TOKENS, imageSize: IMAGE_SIZE, samples })
  );
  console.log(`${split}: ${count} images in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
