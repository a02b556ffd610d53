"""Train mini-CLIP on ShapesWorld: symmetric InfoNCE with a learned temperature.

    nice -n 19 /usr/bin/python3 models/shapesworld/train_clip.py [--steps 2000] [--batch 128] [--minutes M] [--threads 2]

    … --image-only [--minutes M]   (stage 2: image tower only, text tower frozen)

Positives: the image's own caption, plus any other image in the batch whose caption has exactly
the same token ids (identical captions are not false negatives). Writes checkpoints/clip.pt.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

import sys

from common import ClipModel, Split, Logger, setup, save, load, arg, count_params, CLIP_CFG

steps = arg('steps', 2000)
batch = arg('batch', 128)
lr = arg('lr', 2e-3, float)
limit = arg('limit', None)
minutes = arg('minutes', 1e9, float)
setup(seed=1, threads=arg('threads', 2))
log = Logger('clip')

train = Split('train', limit)
model = ClipModel()
image_only = '--image-only' in sys.argv
if image_only:
    # Stage 2 (runs alongside the UNet): continue the IMAGE tower only against the frozen text
    # tower, so the text encoder the UNet is conditioned on never changes (as in LiT, reversed).
    ck = load('clip.pt')
    model.load_state_dict(ck['state'])
    model.text.eval().requires_grad_(False)
    stage1 = {'steps': ck['steps'], 'seconds': ck['seconds']}
    log.name = 'clip-image'
log.log(f'params {count_params(model)}  train images {train.n}  steps {steps}  batch {batch}')
opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.05)

rng = np.random.default_rng(11 if image_only else 1)


def ckpt(step):
    if image_only:
        return {'cfg': CLIP_CFG, 'state': model.state_dict(), 'steps': stage1['steps'], 'seconds': stage1['seconds'],
                'image_steps': step, 'image_seconds': log.elapsed()}
    return {'cfg': CLIP_CFG, 'state': model.state_dict(), 'steps': step, 'seconds': log.elapsed()}

ema = None
step = 0
while step < steps:
    progress = max(step / steps, log.elapsed() / (60 * minutes))
    if progress >= 1:
        break
    step += 1
    for g in opt.param_groups:
        g['lr'] = lr * min(1.0, step / 100) * 0.5 * (1 + math.cos(math.pi * progress))
    idx = rng.choice(train.n, batch, replace=False)
    x = train.image_batch(idx)
    # a little photometric jitter keeps the image encoder from keying on exact pixel values
    x = x + 0.03 * torch.randn(x.shape[0], 3, 1, 1)
    ids = train.token_batch(idx)
    img = model.image.embed(x)
    with torch.set_grad_enabled(not image_only):
        txt = model.text.embed(ids)
    logits = model.logit_scale.exp().clamp(max=100) * img @ txt.t()
    same = (ids[:, None, :] == ids[None, :, :]).all(-1).float()
    target = same / same.sum(1, keepdim=True)
    loss = 0.5 * (-(target * F.log_softmax(logits, 1)).sum(1).mean() - (target * F.log_softmax(logits.t(), 1)).sum(1).mean())
    opt.zero_grad()
    loss.backward()
    opt.step()
    ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
    if step % 50 == 0 or False:
        acc = (logits.argmax(1) == torch.arange(batch)).float().mean().item()
        log.log(f'step {step:5d}  loss {ema:.4f}  batch i→t acc {acc:.3f}  temp {1 / model.logit_scale.exp().item():.4f}')
    if step % 500 == 0 or False:
        save(ckpt(step), 'clip.pt')

save(ckpt(step), 'clip.pt')
log.log(f'done: {step} steps in {log.elapsed():.0f} s')
