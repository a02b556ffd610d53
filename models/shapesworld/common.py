"""ShapesWorld mini text-to-image stack: shared data loading, tokenizer, schedule and model code.

The models mirror Stable Diffusion's components at toy scale:
  mini-CLIP  (ClipModel)  CNN image encoder + causal transformer text encoder, symmetric InfoNCE
  mini-VAE   (Vae)        KL autoencoder 64×64×3 ↔ 8×8×4 (factor 8, 4 latent channels)
  mini-UNet  (UNet)       ε-prediction on 8×8×4 latents, timestep embedding, cross-attention
                          to mini-CLIP's per-token hidden states

Run everything with /usr/bin/python3 (Debian python3-torch, CPU). All scripts call setup() first:
2 threads, fixed seeds.
"""
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'data')
CKPT = os.environ.get('SHAPESWORLD_CKPT', os.path.join(HERE, 'checkpoints'))
ONNX_DIR = os.environ.get('SHAPESWORLD_ONNX', os.path.join(HERE, 'onnx'))

# ---------------------------------------------------------------------------------------------
# Setup and logging


def setup(seed=0, threads=2):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)
    os.makedirs(CKPT, exist_ok=True)


class Logger:
    """Prints `step, loss, elapsed` lines to stdout (and therefore to the nohup log)."""

    def __init__(self, name):
        self.name = name
        self.t0 = time.time()

    def elapsed(self):
        return time.time() - self.t0

    def log(self, msg):
        print(f'[{self.name} {self.elapsed():7.1f}s] {msg}', flush=True)


# ---------------------------------------------------------------------------------------------
# Data (exported by scripts/export-shapesworld.ts)


def load_vocab():
    with open(os.path.join(HERE, 'vocab.json')) as f:
        return json.load(f)


class Split:
    def __init__(self, name, limit=None):
        with open(os.path.join(DATA, f'{name}.json')) as f:
            meta = json.load(f)
        n = meta['count'] if limit is None else min(limit, meta['count'])
        self.n = n
        self.C = meta['captionsPerImage']
        self.L = meta['maxTokens']
        self.samples = meta['samples'][:n]
        px = 64 * 64 * 3
        self.images = np.fromfile(os.path.join(DATA, f'{name}.images.u8'), dtype=np.uint8, count=n * px).reshape(
            n, 64, 64, 3)
        self.tokens = np.fromfile(os.path.join(DATA, f'{name}.tokens.i16'), dtype=np.int16,
                                  count=n * self.C * self.L).reshape(n, self.C, self.L).astype(np.int64)

    def image_batch(self, idx):
        """NCHW float in [−1, 1] (SD's convention for the VAE; also mini-CLIP's pixel_values)."""
        x = torch.from_numpy(self.images[idx]).permute(0, 3, 1, 2).float()
        return x / 127.5 - 1.0

    def token_batch(self, idx, caption=None):
        """Token ids of one caption per image: random paraphrase unless `caption` is given."""
        if caption is None:
            c = np.random.randint(0, self.C, size=len(idx))
        else:
            c = np.full(len(idx), caption)
        return torch.from_numpy(self.tokens[idx, c])


class Tokenizer:
    """Same rules as tokenize() in src/lib/diffusion/shapesworld.ts (checked against the dataset)."""

    def __init__(self, vocab=None):
        v = vocab or load_vocab()
        self.vocab = v['vocab']
        self.rules = v['rules']
        self.ids = {w: i for i, w in enumerate(self.vocab)}
        self.L = self.rules['maxLength']

    def __call__(self, text):
        import re
        words = re.findall(r'[a-z0-9]+', text.lower())[:self.L - 2]
        ids = [self.rules['bos']] + [self.ids.get(w, self.rules['unk']) for w in words] + [self.rules['eos']]
        return ids + [self.rules['pad']] * (self.L - len(ids))

    def batch(self, texts):
        return torch.tensor([self(t) for t in texts], dtype=torch.int64)


# ---------------------------------------------------------------------------------------------
# Schedule (SD's scaled-linear β, 1000 steps) and the DDIM sampler with SD's scheduler defaults

NUM_TRAIN_TIMESTEPS = 1000
BETA_START = 0.00085
BETA_END = 0.012


def alphas_cumprod():
    betas = torch.linspace(BETA_START ** 0.5, BETA_END ** 0.5, NUM_TRAIN_TIMESTEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, 0).float()


def ddim_timesteps(steps):
    """'leading' spacing with steps_offset = 1, as SD's scheduler_config: 961, 921, …, 1 for 25 steps."""
    ratio = NUM_TRAIN_TIMESTEPS // steps
    return [int(t) for t in (np.arange(0, steps) * ratio).round()[::-1] + 1]


@torch.no_grad()
def ddim_sample(unet, cond, uncond, w, steps=25, generator=None, latents=None):
    """Classifier-free guided DDIM (η = 0): ε̃ = ε_∅ + w (ε_c − ε_∅). Returns scaled latents."""
    ac = alphas_cumprod()
    B = cond.shape[0]
    if latents is None:
        latents = torch.randn(B, 4, 8, 8, generator=generator)
    ts = ddim_timesteps(steps)
    ratio = NUM_TRAIN_TIMESTEPS // steps
    for t in ts:
        tt = torch.full((B,), float(t))
        if w == 1.0:
            eps = unet(latents, tt, cond)
        else:
            e = unet(torch.cat([latents, latents]), torch.cat([tt, tt]), torch.cat([uncond, cond]))
            eu, ec = e.chunk(2)
            eps = eu + w * (ec - eu)
        prev = t - ratio
        a_t = ac[t]
        a_prev = ac[prev] if prev >= 0 else ac[0]  # set_alpha_to_one = False
        x0 = (latents - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        latents = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * eps
    return latents


# ---------------------------------------------------------------------------------------------
# Building blocks


class Attention(nn.Module):
    """Multi-head attention written out (exports to plain MatMul/Softmax ONNX ops)."""

    def __init__(self, dim, heads, ctx_dim=None):
        super().__init__()
        ctx_dim = ctx_dim or dim
        self.h = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(ctx_dim, dim, bias=False)
        self.v = nn.Linear(ctx_dim, dim, bias=False)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx=None, mask=None):
        ctx = x if ctx is None else ctx
        B, N, D = x.shape
        M = ctx.shape[1]
        h = self.h
        q = self.q(x).reshape(B, N, h, D // h).transpose(1, 2)
        k = self.k(ctx).reshape(B, M, h, D // h).transpose(1, 2)
        v = self.v(ctx).reshape(B, M, h, D // h).transpose(1, 2)
        a = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(D // h))
        if mask is not None:
            a = a + mask
        a = a.softmax(-1)
        return self.o((a @ v).transpose(1, 2).reshape(B, N, D))


class TextBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, mask):
        x = x + self.attn(self.ln1(x), mask=mask)
        return x + self.mlp(self.ln2(x))


# ---------------------------------------------------------------------------------------------
# mini-CLIP

CLIP_CFG = dict(vocab=64, L=20, width=128, layers=3, heads=4, embed=128, eos=2)


class TextEncoder(nn.Module):
    """Causal transformer like CLIP's: last_hidden_state (after the final LayerNorm) conditions the
    UNet; the hidden state at the EOS token, projected, is the pooled text embedding."""

    def __init__(self, vocab=64, L=20, width=128, layers=3, heads=4, embed=128, eos=2):
        super().__init__()
        self.eos = eos
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.randn(L, width) * 0.01)
        self.blocks = nn.ModuleList([TextBlock(width, heads) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.proj = nn.Linear(width, embed, bias=False)
        self.register_buffer('mask', torch.full((L, L), -1e4).triu(1), persistent=False)

    def forward(self, ids):
        ids = ids.long()
        L = ids.shape[1]
        x = self.tok(ids) + self.pos[:L]
        for b in self.blocks:
            x = b(x, self.mask[:L, :L])
        hidden = self.ln_final(x)
        eos_at = (ids == self.eos).int().argmax(-1)
        pooled = torch.gather(hidden, 1, eos_at.view(-1, 1, 1).expand(-1, 1, hidden.shape[2])).squeeze(1)
        return hidden, pooled

    def embed(self, ids):
        hidden, pooled = self(ids)
        return F.normalize(self.proj(pooled), dim=-1)


def conv_block(cin, cout, stride):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.GroupNorm(8, cout), nn.SiLU())


class ImageEncoder(nn.Module):
    """Small CNN; flattens the final 4×4 map (keeps where things are, which captions talk about)."""

    def __init__(self, embed=128):
        super().__init__()
        self.net = nn.Sequential(
            conv_block(3, 32, 2),  # 32
            conv_block(32, 64, 2),  # 16
            conv_block(64, 64, 1),
            conv_block(64, 96, 2),  # 8
            conv_block(96, 96, 1),
            conv_block(96, 128, 2),  # 4
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(128 * 16, 256), nn.SiLU(), nn.Linear(256, embed))

    def forward(self, x):
        return self.head(self.net(x))

    def embed(self, x):
        return F.normalize(self(x), dim=-1)


class ClipModel(nn.Module):
    def __init__(self, **cfg):
        super().__init__()
        c = dict(CLIP_CFG, **cfg)
        self.text = TextEncoder(**c)
        self.image = ImageEncoder(c['embed'])
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))


# ---------------------------------------------------------------------------------------------
# mini-VAE


class ResBlock(nn.Module):
    def __init__(self, cin, cout, temb=None, groups=8):
        super().__init__()
        self.n1 = nn.GroupNorm(groups, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, 1, 1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.n2 = nn.GroupNorm(groups, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, t=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(F.silu(t))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


VAE_CFG = dict(ch=(16, 32, 64, 64), latent=4)


class VaeEncoder(nn.Module):
    def __init__(self, ch=(16, 32, 64, 64), latent=4):
        super().__init__()
        layers = [nn.Conv2d(3, ch[0], 3, 1, 1)]
        for i in range(3):
            layers += [ResBlock(ch[i], ch[i]), nn.Conv2d(ch[i], ch[i + 1], 3, 2, 1)]  # 64→32→16→8
        layers += [ResBlock(ch[3], ch[3]), nn.GroupNorm(8, ch[3]), nn.SiLU(), nn.Conv2d(ch[3], 2 * latent, 3, 1, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        mean, logvar = self.net(x).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class VaeDecoder(nn.Module):
    def __init__(self, ch=(16, 32, 64, 64), latent=4):
        super().__init__()
        layers = [nn.Conv2d(latent, ch[3], 3, 1, 1), ResBlock(ch[3], ch[3])]
        for i in (3, 2, 1):
            layers += [nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(ch[i], ch[i - 1], 3, 1, 1),
                       ResBlock(ch[i - 1], ch[i - 1])]
        layers += [nn.GroupNorm(8, ch[0]), nn.SiLU(), nn.Conv2d(ch[0], 3, 3, 1, 1)]
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


class Vae(nn.Module):
    def __init__(self, **cfg):
        super().__init__()
        c = dict(VAE_CFG, **cfg)
        self.encoder = VaeEncoder(**c)
        self.decoder = VaeDecoder(**c)


# ---------------------------------------------------------------------------------------------
# mini-UNet


def timestep_embedding(t, dim):
    """Sinusoidal embedding of (float) timesteps, as SD's (flip_sin_to_cos=True, shift 0)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=-1)


class SpatialTransformer(nn.Module):
    """GroupNorm → tokens → self-attention, cross-attention to the text, feed-forward → back."""

    def __init__(self, ch, ctx_dim, heads=4):
        super().__init__()
        self.norm = nn.GroupNorm(8, ch)
        self.proj_in = nn.Linear(ch, ch)
        self.ln1 = nn.LayerNorm(ch)
        self.attn1 = Attention(ch, heads)
        self.ln2 = nn.LayerNorm(ch)
        self.attn2 = Attention(ch, heads, ctx_dim)
        self.ln3 = nn.LayerNorm(ch)
        self.ff = nn.Sequential(nn.Linear(ch, 2 * ch), nn.GELU(), nn.Linear(2 * ch, ch))
        self.proj_out = nn.Linear(ch, ch)

    def forward(self, x, ctx):
        B, C, H, W = x.shape
        h = self.proj_in(self.norm(x).reshape(B, C, H * W).transpose(1, 2))
        h = h + self.attn1(self.ln1(h))
        h = h + self.attn2(self.ln2(h), ctx)
        h = h + self.ff(self.ln3(h))
        return x + self.proj_out(h).transpose(1, 2).reshape(B, C, H, W)


UNET_CFG = dict(ch=64, ch2=128, ctx_dim=128, temb=256)


class UNet(nn.Module):
    """8×8 → 4×4 → 8×8 with a SpatialTransformer at every level."""

    def __init__(self, ch=64, ch2=128, ctx_dim=128, temb=256):
        super().__init__()
        self.ch = ch
        self.time = nn.Sequential(nn.Linear(ch, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(4, ch, 3, 1, 1)
        self.d1 = ResBlock(ch, ch, temb)
        self.a1 = SpatialTransformer(ch, ctx_dim)
        self.down = nn.Conv2d(ch, ch, 3, 2, 1)
        self.d2 = ResBlock(ch, ch2, temb)
        self.a2 = SpatialTransformer(ch2, ctx_dim)
        self.m1 = ResBlock(ch2, ch2, temb)
        self.am = SpatialTransformer(ch2, ctx_dim)
        self.m2 = ResBlock(ch2, ch2, temb)
        self.u2 = ResBlock(2 * ch2, ch2, temb)
        self.ua2 = SpatialTransformer(ch2, ctx_dim)
        self.up = nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(ch2, ch, 3, 1, 1))
        self.u1 = ResBlock(2 * ch, ch, temb)
        self.ua1 = SpatialTransformer(ch, ctx_dim)
        self.out = nn.Sequential(nn.GroupNorm(8, ch), nn.SiLU(), nn.Conv2d(ch, 4, 3, 1, 1))

    def forward(self, sample, timestep, encoder_hidden_states):
        t = self.time(timestep_embedding(timestep, self.ch))
        ctx = encoder_hidden_states
        h0 = self.conv_in(sample)
        h1 = self.a1(self.d1(h0, t), ctx)
        h2 = self.a2(self.d2(self.down(h1), t), ctx)
        m = self.m2(self.am(self.m1(h2, t), ctx), t)
        u = self.ua2(self.u2(torch.cat([m, h2], 1), t), ctx)
        u = self.ua1(self.u1(torch.cat([self.up(u), h1], 1), t), ctx)
        return self.out(u)


def count_params(m):
    return sum(p.numel() for p in m.parameters())


def save(obj, name):
    path = os.path.join(CKPT, name)
    torch.save(obj, path + '.tmp')
    os.replace(path + '.tmp', path)


def load(name):
    return torch.load(os.path.join(CKPT, name), map_location='cpu')


def arg(name, default, cast=int):
    """--name value from sys.argv."""
    if f'--{name}' in sys.argv:
        return cast(sys.argv[sys.argv.index(f'--{name}') + 1])
    return default
