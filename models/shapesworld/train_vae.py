"""Train the mini-VAE: KL-regularised autoencoder 64×64×3 ↔ 8×8×4.

    nice -n 19 /usr/bin/python3 models/shapesworld/train_vae.py [--steps 2500] [--batch 32] [--minutes M] [--threads 2]

Loss: L1 + MSE reconstruction of images in [−1, 1] plus a small KL term (weight 1e-5, the
reconstruction-dominated regime of SD's VAE). At the end the latent scaling factor
1/std(z) over 4096 training images is computed (SD's 0.18215 plays this role) and saved with
the checkpoint checkpoints/vae.pt.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from common import Vae, Split, Logger, setup, save, arg, count_params, VAE_CFG

steps = arg('steps', 2500)
batch = arg('batch', 32)
lr = arg('lr', 2e-3, float)
kl_w = arg('kl', 1e-5, float)
limit = arg('limit', None)
minutes = arg('minutes', 1e9, float)
setup(seed=2, threads=arg('threads', 2))
log = Logger('vae')

train = Split('train', limit)
model = Vae()
log.log(f'params {count_params(model)}  train images {train.n}  steps {steps}  batch {batch}')
opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
rng = np.random.default_rng(2)
ema = None


def scaling_factor(n=4096):
    with torch.no_grad():
        zs = []
        for i in range(0, min(n, train.n), 256):
            mean, logvar = model.encoder(train.image_batch(np.arange(i, min(i + 256, train.n))))
            zs.append(mean + (0.5 * logvar).exp() * torch.randn_like(mean))
        z = torch.cat(zs)
    return 1.0 / z.std().item(), z.mean().item()


step = 0
while step < steps:
    progress = max(step / steps, log.elapsed() / (60 * minutes))
    if progress >= 1:
        break
    step += 1
    for g in opt.param_groups:
        g['lr'] = lr * min(1.0, step / 100) * 0.5 * (1 + math.cos(math.pi * progress))
    x = train.image_batch(rng.choice(train.n, batch, replace=False))
    mean, logvar = model.encoder(x)
    z = mean + (0.5 * logvar).exp() * torch.randn_like(mean)
    y = model.decoder(z)
    rec = F.l1_loss(y, x) + F.mse_loss(y, x)
    kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).sum((1, 2, 3)).mean()
    loss = rec + kl_w * kl
    opt.zero_grad()
    loss.backward()
    opt.step()
    ema = rec.item() if ema is None else 0.98 * ema + 0.02 * rec.item()
    if step % 50 == 0 or False:
        mse01 = F.mse_loss((y.clamp(-1, 1) + 1) / 2, (x + 1) / 2).item()
        psnr = 10 * np.log10(1 / max(mse01, 1e-10))
        log.log(f'step {step:5d}  rec {ema:.4f}  kl {kl.item():.1f}  batch PSNR {psnr:.2f} dB')
    if step % 500 == 0 or False:
        save({'cfg': VAE_CFG, 'state': model.state_dict(), 'steps': step, 'seconds': log.elapsed()}, 'vae.pt')
model.eval()
sf, zmean = scaling_factor()
save({'cfg': VAE_CFG, 'state': model.state_dict(), 'steps': step, 'seconds': log.elapsed(), 'scaling_factor': sf,
      'latent_mean': zmean}, 'vae.pt')
log.log(f'done: {step} steps in {log.elapsed():.0f} s; scaling factor {sf:.5f} (latent mean {zmean:.4f})')
