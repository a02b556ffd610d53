"""Fine-tune the mini-VAE's DECODER only, with the encoder (and so the latent space, the scaling
factor and everything the UNet learned on) frozen, as Stability did for SD's ft-MSE VAE.
Runs alongside the UNet training.

    nice -n 19 /usr/bin/python3 models/shapesworld/train_vae_decoder.py [--minutes 35] [--batch 32] [--threads 1]

Loss: L1 + MSE on decode(z), z sampled from the frozen posterior. Updates checkpoints/vae.pt in
place (keeps scaling_factor; records decoder_steps and decoder_seconds).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from common import Vae, Split, Logger, setup, save, load, arg

steps = arg('steps', 20000)
batch = arg('batch', 32)
lr = arg('lr', 5e-4, float)
minutes = arg('minutes', 35.0, float)
setup(seed=4, threads=arg('threads', 1))
log = Logger('vae-dec')
train = Split('train', arg('limit', None))
ck = load('vae.pt')
model = Vae()
model.load_state_dict(ck['state'])
model.encoder.eval().requires_grad_(False)
opt = torch.optim.AdamW(model.decoder.parameters(), lr=lr, weight_decay=0.0)
rng = np.random.default_rng(4)
ema = None
step = 0
while step < steps:
    progress = max(step / steps, log.elapsed() / (60 * minutes))
    if progress >= 1:
        break
    step += 1
    for g in opt.param_groups:
        g['lr'] = lr * min(1.0, step / 50) * 0.5 * (1 + math.cos(math.pi * progress))
    x = train.image_batch(rng.choice(train.n, batch, replace=False))
    with torch.no_grad():
        mean, logvar = model.encoder(x)
        z = mean + (0.5 * logvar).exp() * torch.randn_like(mean)
    y = model.decoder(z)
    rec = F.l1_loss(y, x) + F.mse_loss(y, x)
    opt.zero_grad()
    rec.backward()
    opt.step()
    ema = rec.item() if ema is None else 0.98 * ema + 0.02 * rec.item()
    if step % 50 == 0:
        mse01 = F.mse_loss((y.clamp(-1, 1) + 1) / 2, (x + 1) / 2).item()
        log.log(f'step {step:5d}  rec {ema:.4f}  batch PSNR {10 * np.log10(1 / max(mse01, 1e-10)):.2f} dB')
    if step % 250 == 0:
        save(dict(ck, state=model.state_dict(), decoder_steps=step, decoder_seconds=log.elapsed()), 'vae.pt')
save(dict(ck, state=model.state_dict(), decoder_steps=step, decoder_seconds=log.elapsed()), 'vae.pt')
log.log(f'done: {step} decoder steps in {log.elapsed():.0f} s')
