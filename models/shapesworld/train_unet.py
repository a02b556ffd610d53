"""Train the mini-UNet: ε-prediction on mini-VAE latents, conditioned on mini-CLIP's per-token
hidden states, with SD's scaled-linear schedule (1000 steps) and 10% caption dropout (the empty
prompt "" → [BOS, EOS, PAD…]) for classifier-free guidance.

    nice -n 19 /usr/bin/python3 models/shapesworld/train_unet.py [--steps 20000] [--batch 48] [--limit 6000] [--minutes 35] [--threads 1] [--resume]

Needs checkpoints/clip.pt and checkpoints/vae.pt. The learning rate follows a cosine over
progress = max(step/steps, elapsed/minutes), so the run always ends inside its time budget
(the number of steps actually taken is logged and saved). Keeps an EMA of the weights (0.999),
which is what gets exported. Writes checkpoints/unet.pt.
"""
import copy
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from common import (UNet, TextEncoder, VaeEncoder, Split, Logger, Tokenizer, setup, save, load, arg, count_params,
                    alphas_cumprod, UNET_CFG, NUM_TRAIN_TIMESTEPS, CKPT)

steps = arg('steps', 6000)
batch = arg('batch', 64)
lr = arg('lr', 1e-3, float)
minutes = arg('minutes', 40.0, float)
p_uncond = arg('p_uncond', 0.1, float)
limit = arg('limit', None)
setup(seed=3, threads=arg('threads', 1))
log = Logger('unet')

train = Split('train', limit)
clip = load('clip.pt')
text = TextEncoder(**clip['cfg'])
text.load_state_dict({k[5:]: v for k, v in clip['state'].items() if k.startswith('text.')})
text.eval().requires_grad_(False)
vae = load('vae.pt')
enc = VaeEncoder(**vae['cfg'])
enc.load_state_dict({k[8:]: v for k, v in vae['state'].items() if k.startswith('encoder.')})
enc.eval().requires_grad_(False)
sf = vae['scaling_factor']

# Posterior mean and std of every training image (sampled afresh each step, as SD does);
# cached in checkpoints/latents.pt for the same VAE encoder and image count.
cache = os.path.join(CKPT, 'latents.pt')
enc_sum = float(sum(p.double().sum() for p in enc.parameters()))
lat = torch.load(cache) if os.path.exists(cache) else None
if lat is not None and lat['n'] == train.n and abs(lat['enc_sum'] - enc_sum) < 1e-6:
    lat_mean, lat_std = lat['mean'], lat['std']
else:
    with torch.no_grad():
        ms, ss = [], []
        for i in range(0, train.n, 500):
            m, lv = enc(train.image_batch(np.arange(i, min(i + 500, train.n))))
            ms.append(m)
            ss.append((0.5 * lv).exp())
        lat_mean, lat_std = torch.cat(ms), torch.cat(ss)
    torch.save({'n': train.n, 'enc_sum': enc_sum, 'mean': lat_mean, 'std': lat_std}, cache)
log.log(f'encoded {train.n} latents; scaled latent std {(lat_mean * sf).std():.3f}')

empty = Tokenizer().batch([''])[0]
ac = alphas_cumprod()
model = UNet()
prev = {'steps': 0, 'seconds': 0.0}
if '--resume' in sys.argv:
    # Continue from checkpoints/unet.pt (the EMA weights) with a fresh optimizer and a new cosine.
    ck = load('unet.pt')
    model.load_state_dict(ck['state'])
    prev = {'steps': ck['steps'], 'seconds': ck['seconds']}
    log.log(f"resuming from {prev['steps']} steps ({prev['seconds']:.0f} s)")
ema = copy.deepcopy(model).requires_grad_(False)
log.log(f'params {count_params(model)}  steps {steps}  batch {batch}  budget {minutes} min  scaling {sf:.5f}')
opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
rng = np.random.default_rng(33 if prev['steps'] else 3)


def stages(step):
    return [prev, {'steps': step, 'seconds': log.elapsed(), 'lr': lr}] if prev['steps'] else [{'steps': step, 'seconds': log.elapsed(), 'lr': lr}]

avg = None
step = 0
while step < steps:
    progress = max(step / steps, log.elapsed() / (60 * minutes))
    if progress >= 1:
        break
    step += 1
    cur_lr = lr * min(1.0, step / (50 if prev['steps'] else 200)) * 0.5 * (1 + math.cos(math.pi * progress))
    for g in opt.param_groups:
        g['lr'] = cur_lr
    idx = rng.choice(train.n, batch, replace=False)
    z0 = (lat_mean[idx] + lat_std[idx] * torch.randn(batch, 4, 8, 8)) * sf
    ids = train.token_batch(idx)
    drop = torch.from_numpy(rng.random(batch) < p_uncond)
    ids[drop] = empty
    with torch.no_grad():
        ctx, _ = text(ids)
    t = torch.randint(0, NUM_TRAIN_TIMESTEPS, (batch,))
    a = ac[t].view(-1, 1, 1, 1)
    eps = torch.randn_like(z0)
    zt = a.sqrt() * z0 + (1 - a).sqrt() * eps
    loss = F.mse_loss(model(zt, t.float(), ctx), eps)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    d = min(0.999, (1 + step) / (10 + step))
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(d).add_(pm, alpha=1 - d)
    avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
    if step % 50 == 0:
        log.log(f'step {step:5d}  loss {avg:.4f}  lr {cur_lr:.2e}')
    if step % 500 == 0:
        save({'cfg': UNET_CFG, 'state': ema.state_dict(), 'steps': prev['steps'] + step, 'seconds': prev['seconds'] + log.elapsed(), 'stages': stages(step)}, 'unet.pt')
save({'cfg': UNET_CFG, 'state': ema.state_dict(), 'steps': prev['steps'] + step, 'seconds': prev['seconds'] + log.elapsed(), 'final_loss': avg, 'stages': stages(step)}, 'unet.pt')
log.log(f'done: {step} steps in {log.elapsed():.0f} s, loss {avg:.4f}')
