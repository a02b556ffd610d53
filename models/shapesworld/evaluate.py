"""Measure the quality of the trained ShapesWorld models on held-out data (seeds 10,000,000+,
never used in training). Writes quality.json and samples.png; the numbers go into README.md.

    nice -n 19 /usr/bin/python3 models/shapesworld/evaluate.py [--prompts 100] [--steps 25]

1. mini-CLIP zero-shot: held-out single-shape images vs the 24 prompts "a {colour} {shape}";
   top-1 shape and colour accuracy (and all 240 canonical captions for size + position).
2. Caption retrieval: held-out two-shape images vs the canonical captions of 500 of them;
   image→text top-1. Also the binding test: own caption vs the caption with the two shapes'
   attributes exchanged ("a blue square left of a red circle").
3. mini-VAE: PSNR of decode(encode(x)) over 1000 held-out images, pixels in [0, 1].
4. Text-to-image adherence: held-out single-shape captions as prompts, one image each (fixed
   seed per prompt), 25-step DDIM, guidance w = 1…10 (ε̃ = ε_∅ + w(ε_c − ε_∅)); judged by
   mini-CLIP zero-shot: shape and colour both right. Also judged: size and position (240 captions).
"""
import json
import os

import numpy as np
import torch

from common import (HERE, ClipModel, Vae, UNet, Tokenizer, Split, load, setup, arg, ddim_sample, Logger)

n_prompts = arg('prompts', 100)
steps = arg('steps', 25)
setup(seed=0, threads=arg('threads', 1))
log = Logger('eval')
voc = json.load(open(os.path.join(HERE, 'vocab.json')))
A = voc['attributes']
tok = Tokenizer()

clip = ClipModel()
clip.load_state_dict(load('clip.pt')['state'])
clip.eval()
held = Split('heldout')
Q = {}

# Tokenizer agreement with the TypeScript tokenizer (the dataset's ids were made in TS).
mism = sum(tok(c) != held.tokens[i, j].tolist() for i in range(200) for j, c in enumerate(held.samples[i]['captions']))
assert mism == 0, f'{mism} captions tokenised differently in Python and TypeScript'


def art(w):
    return 'an' if w[0] in 'aeiou' else 'a'


combo = [(s, c) for c in A['colours'] for s in A['shapes']]
combo_prompts = [f'a {c} {s}' for s, c in combo]
POS = {'left': 'on the left', 'right': 'on the right', 'top': 'at the top', 'bottom': 'at the bottom',
       'centre': 'in the centre'}
full = [(z, c, s, p) for z in A['sizes'] for c in A['colours'] for s in A['shapes'] for p in A['positions']]
full_prompts = [f'{art(z)} {z} {c} {s} {POS[p]}' for z, c, s, p in full]

with torch.no_grad():
    T_combo = clip.text.embed(tok.batch(combo_prompts))
    T_full = clip.text.embed(tok.batch(full_prompts))

    def judge(images):
        e = clip.image.embed(images)
        k = (e @ T_combo.t()).argmax(1)
        f = (e @ T_full.t()).argmax(1)
        return [combo[i] for i in k], [full[i] for i in f]

    # 1. zero-shot on single-shape held-out images
    single = [i for i, s in enumerate(held.samples) if len(s['shapes']) == 1]
    two = [i for i, s in enumerate(held.samples) if len(s['shapes']) == 2]
    pred, predf = judge(held.image_batch(np.array(single)))
    truth = [held.samples[i]['shapes'][0] for i in single]
    Q['clip_zero_shot'] = {
        'images': len(single),
        'shape_top1': float(np.mean([p[0] == t['shape'] for p, t in zip(pred, truth)])),
        'colour_top1': float(np.mean([p[1] == t['colour'] for p, t in zip(pred, truth)])),
        'size_top1': float(np.mean([p[0] == t['size'] for p, t in zip(predf, truth)])),
        'position_top1': float(np.mean([p[3] == t['position'] for p, t in zip(predf, truth)])),
        'all_four_top1': float(np.mean([p == (t['size'], t['colour'], t['shape'], t['position'])
                                        for p, t in zip(predf, truth)])),
    }
    log.log(f"zero-shot {Q['clip_zero_shot']}")

    # 2. caption retrieval on two-shape held-out images
    idx = np.array(two[:500])
    caps = [held.samples[i]['captions'][0] for i in idx]
    uniq = sorted(set(caps))
    E = clip.image.embed(held.image_batch(idx))
    T = clip.text.embed(tok.batch(uniq))
    got = (E @ T.t()).argmax(1)
    r1 = float(np.mean([uniq[g] == c for g, c in zip(got.tolist(), caps)]))

    def swapped(s):
        a, b = s['shapes']
        return f"{art(a['size'])} {a['size']} {b['colour']} {b['shape']} {s['relation']} {art(b['size'])} {b['size']} {a['colour']} {a['shape']}"

    sw = [(i, swapped(held.samples[i])) for i in idx]
    sw = [(i, s) for i, s in sw if s != held.samples[i]['captions'][0]]
    T_own = clip.text.embed(tok.batch([held.samples[i]['captions'][0] for i, _ in sw]))
    T_sw = clip.text.embed(tok.batch([s for _, s in sw]))
    Ei = clip.image.embed(held.image_batch(np.array([i for i, _ in sw])))
    bind = float(((Ei * T_own).sum(1) > (Ei * T_sw).sum(1)).float().mean())
    Q['clip_retrieval'] = {'images': len(idx), 'gallery_captions': len(uniq), 'image_to_text_top1': r1,
                           'binding_own_vs_swapped': bind, 'binding_pairs': len(sw)}
    log.log(f"retrieval {Q['clip_retrieval']}")

    # 3. VAE reconstruction
    vck = load('vae.pt')
    vae = Vae()
    vae.load_state_dict(vck['state'])
    vae.eval()
    mses = []
    for i in range(0, 1000, 100):
        x = held.image_batch(np.arange(i, i + 100))
        y = vae.decoder(vae.encoder(x)[0]).clamp(-1, 1)
        mses.append((((y - x) / 2) ** 2).mean((1, 2, 3)))
    mse = torch.cat(mses)
    Q['vae'] = {'images': 1000, 'psnr_db_of_mean_mse': float(10 * np.log10(1 / mse.mean().item())),
                'psnr_db_mean_per_image': float((10 * torch.log10(1 / mse)).mean()),
                'scaling_factor': vck['scaling_factor']}
    log.log(f"vae {Q['vae']}")

    # 4. text-to-image adherence
    sf = vck['scaling_factor']
    unet = UNet()
    unet.load_state_dict(load('unet.pt')['state'])
    unet.eval()
    pidx = single[:n_prompts]
    prompts = [held.samples[i]['captions'][0] for i in pidx]
    want = [held.samples[i]['shapes'][0] for i in pidx]
    h, _ = clip.text(tok.batch(prompts + ['']))
    cond, uncond = h[:-1], h[-1:].expand(len(prompts), -1, -1)
    g = torch.Generator().manual_seed(1234)
    z0 = torch.randn(len(prompts), 4, 8, 8, generator=g)
    curve = []
    grids = {}
    for w in range(1, 11):
        z = ddim_sample(unet, cond, uncond, float(w), steps=steps, latents=z0.clone())
        img = vae.decoder(z / sf).clamp(-1, 1)
        pred, predf = judge(img)
        sc = np.array([p == (t['shape'], t['colour']) for p, t in zip(pred, want)])
        row = {'w': w, 'shape_and_colour': float(sc.mean()),
               'shape': float(np.mean([p[0] == t['shape'] for p, t in zip(pred, want)])),
               'colour': float(np.mean([p[1] == t['colour'] for p, t in zip(pred, want)])),
               'size': float(np.mean([p[0] == t['size'] for p, t in zip(predf, want)])),
               'position': float(np.mean([p[3] == t['position'] for p, t in zip(predf, want)]))}
        curve.append(row)
        grids[w] = img[:16]
        log.log(f'adherence {row}')
    best = max(curve, key=lambda r: r['shape_and_colour'])
    Q['adherence'] = {'prompts': len(prompts), 'steps': steps, 'judge': 'mini-CLIP zero-shot (24 colour×shape prompts)',
                      'curve': curve, 'best_w': best['w'], 'best_shape_and_colour': best['shape_and_colour']}

    # sample sheet: rows w = 1, 3, 5, 7.5→8, 10; 16 prompts each
    try:
        from PIL import Image
        rows = [grids[w] for w in (1, 3, 5, 8, 10)]
        sheet = torch.cat([torch.cat(list(r), 2) for r in rows], 1)
        arr = ((sheet.permute(1, 2, 0).numpy() + 1) * 127.5).clip(0, 255).astype(np.uint8)
        Image.fromarray(arr).save(os.path.join(HERE, 'samples.png'))
        with open(os.path.join(HERE, 'samples.txt'), 'w') as f:
            f.write('rows: w = 1, 3, 5, 8, 10; columns: these prompts\n' + '\n'.join(prompts[:16]) + '\n')
    except ImportError:
        pass

Q['seconds'] = round(log.elapsed())
with open(os.path.join(HERE, 'quality.json'), 'w') as f:
    json.dump(Q, f, indent=1)
    f.write('\n')
log.log('quality.json written')
