"""Export the trained mini models to ONNX with Stable Diffusion's interfaces, write
manifest.json (files, bytes, sha256, I/O names/dtypes/shapes, latent scaling factor, schedule,
tokenizer) and golden.json (seeded reference outputs the unit tests reproduce with onnxruntime).

    /usr/bin/python3 models/shapesworld/export_onnx.py

    text_encoder.onnx   input_ids int32 [B,20] → last_hidden_state [B,20,128], text_embeds [B,128]
    image_encoder.onnx  pixel_values [B,3,64,64] in [−1,1] → image_embeds [B,128]
    vae_encoder.onnx    sample [B,3,64,64] in [−1,1] → latent_sample [B,4,8,8] (posterior mean, unscaled)
    vae_decoder.onnx    latent_sample [B,4,8,8] (unscaled) → sample [B,3,64,64] in [−1,1]
    unet.onnx           sample [B,4,8,8], timestep float32 [B], encoder_hidden_states [B,20,128] → out_sample
"""
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn as nn

from common import (HERE, ONNX_DIR, ClipModel, Vae, UNet, Tokenizer, Split, load, setup, count_params,
                    alphas_cumprod, ddim_sample, ddim_timesteps, BETA_START, BETA_END, NUM_TRAIN_TIMESTEPS)

setup(seed=0, threads=1)
os.makedirs(ONNX_DIR, exist_ok=True)
OPSET = 14

clip_ck, vae_ck, unet_ck = load('clip.pt'), load('vae.pt'), load('unet.pt')
clip = ClipModel()
clip.load_state_dict(clip_ck['state'])
vae = Vae()
vae.load_state_dict(vae_ck['state'])
unet = UNet()
unet.load_state_dict(unet_ck['state'])
for m in (clip, vae, unet):
    m.eval()
sf = float(vae_ck['scaling_factor'])
tok = Tokenizer()
L = tok.L
D = clip.text.ln_final.normalized_shape[0]


class TextEncoderOnnx(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = clip.text

    def forward(self, input_ids):
        hidden, pooled = self.t(input_ids)
        return hidden, nn.functional.normalize(self.t.proj(pooled), dim=-1)


class ImageEncoderOnnx(nn.Module):
    def __init__(self):
        super().__init__()
        self.i = clip.image

    def forward(self, pixel_values):
        return self.i.embed(pixel_values)


class VaeEncoderOnnx(nn.Module):
    def __init__(self):
        super().__init__()
        self.e = vae.encoder

    def forward(self, sample):
        return self.e(sample)[0]


class VaeDecoderOnnx(nn.Module):
    def __init__(self):
        super().__init__()
        self.d = vae.decoder

    def forward(self, latent_sample):
        return self.d(latent_sample).clamp(-1, 1)


def spec(name, dtype, shape):
    return {'name': name, 'dtype': dtype, 'shape': shape}


B = 'batch'
models = {
    'text_encoder': (TextEncoderOnnx(), (torch.zeros(2, L, dtype=torch.int32),),
                     [spec('input_ids', 'int32', [B, L])],
                     [spec('last_hidden_state', 'float32', [B, L, D]), spec('text_embeds', 'float32', [B, 128])]),
    'image_encoder': (ImageEncoderOnnx(), (torch.zeros(2, 3, 64, 64),),
                      [spec('pixel_values', 'float32', [B, 3, 64, 64])],
                      [spec('image_embeds', 'float32', [B, 128])]),
    'vae_encoder': (VaeEncoderOnnx(), (torch.zeros(2, 3, 64, 64),),
                    [spec('sample', 'float32', [B, 3, 64, 64])],
                    [spec('latent_sample', 'float32', [B, 4, 8, 8])]),
    'vae_decoder': (VaeDecoderOnnx(), (torch.zeros(2, 4, 8, 8),),
                    [spec('latent_sample', 'float32', [B, 4, 8, 8])],
                    [spec('sample', 'float32', [B, 3, 64, 64])]),
    'unet': (unet, (torch.zeros(2, 4, 8, 8), torch.zeros(2), torch.zeros(2, L, D)),
             [spec('sample', 'float32', [B, 4, 8, 8]), spec('timestep', 'float32', [B]),
              spec('encoder_hidden_states', 'float32', [B, L, D])],
             [spec('out_sample', 'float32', [B, 4, 8, 8])]),
}
params = {'text_encoder': count_params(clip.text), 'image_encoder': count_params(clip.image),
          'vae_encoder': count_params(vae.encoder), 'vae_decoder': count_params(vae.decoder),
          'unet': count_params(unet)}

entries = {}
for name, (module, dummy, ins, outs) in models.items():
    path = os.path.join(ONNX_DIR, f'{name}.onnx')
    axes = {s['name']: {0: B} for s in ins + outs}
    torch.onnx.export(module, dummy, path, input_names=[s['name'] for s in ins],
                      output_names=[s['name'] for s in outs], dynamic_axes=axes, opset_version=OPSET,
                      do_constant_folding=True)
    data = open(path, 'rb').read()
    entries[name] = {'file': f'onnx/{name}.onnx', 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest(),
                     'params': params[name], 'inputs': ins, 'outputs': outs}
    print(f'{name:14s} {len(data) / 1e6:6.2f} MB  {params[name]:8d} params')

vocab = json.load(open(os.path.join(HERE, 'vocab.json')))
vocab_bytes = open(os.path.join(HERE, 'vocab.json'), 'rb').read()
quality = {}
qpath = os.path.join(HERE, 'quality.json')
manifest = {
    'name': 'shapesworld-mini-sd',
    'version': 1,
    'description': 'ShapesWorld mini text-to-image stack (mini-CLIP, mini-VAE, mini-UNet) with Stable '
                   'Diffusion ONNX interfaces. Trained on CPU on generated 64×64 shape images.',
    'image': {'height': 64, 'width': 64, 'channels': 3, 'layout': 'NCHW', 'range': [-1, 1]},
    'latent': {'channels': 4, 'height': 8, 'width': 8, 'downsample': 8, 'scaling_factor': sf},
    'text': {'max_length': L, 'hidden_size': D, 'embed_dim': 128},
    'tokenizer': {
        'type': 'word-level', 'vocab_file': 'vocab.json', 'vocab_size': len(vocab['vocab']),
        'sha256': hashlib.sha256(vocab_bytes).hexdigest(),
        'lowercase': True, 'word_pattern': '[a-z0-9]+', 'max_length': L,
        'bos_token_id': vocab['rules']['bos'], 'eos_token_id': vocab['rules']['eos'],
        'pad_token_id': vocab['rules']['pad'], 'unk_token_id': vocab['rules']['unk'],
        'layout': '[BOS, words (at most max_length−2), EOS, PAD…]; the empty prompt is [BOS, EOS, PAD…]',
    },
    'scheduler': {
        '_class_name': 'DDIMScheduler', 'num_train_timesteps': NUM_TRAIN_TIMESTEPS, 'beta_start': BETA_START,
        'beta_end': BETA_END, 'beta_schedule': 'scaled_linear', 'prediction_type': 'epsilon',
        'set_alpha_to_one': False, 'steps_offset': 1, 'timestep_spacing': 'leading', 'clip_sample': False,
    },
    'guidance': {'formula': 'eps = eps_uncond + w * (eps_cond - eps_uncond)', 'uncond_prompt': '',
                 'default_scale': 5.0, 'default_steps': 25},
    'embeddings': 'text_embeds and image_embeds are L2-normalised; similarity = dot product',
    'models': entries,
    'training': {
        'clip': dict({'steps': clip_ck['steps'], 'seconds': round(clip_ck['seconds'])},
                     **({'image_steps': clip_ck['image_steps'], 'image_seconds': round(clip_ck['image_seconds'])}
                        if 'image_steps' in clip_ck else {})),
        'vae': dict({'steps': vae_ck['steps'], 'seconds': round(vae_ck['seconds'])},
                    **({'decoder_steps': vae_ck['decoder_steps'], 'decoder_seconds': round(vae_ck['decoder_seconds'])}
                       if 'decoder_steps' in vae_ck else {})),
        'unet': dict({'steps': unet_ck['steps'], 'seconds': round(unet_ck['seconds'])},
                     **({'stages': [{k: (round(v) if k == 'seconds' else v) for k, v in st.items()} for st in unet_ck['stages']]}
                        if 'stages' in unet_ck else {})),
    },
    'total_bytes': sum(e['bytes'] for e in entries.values()),
}
with open(os.path.join(HERE, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=1)
    f.write('\n')
print(f'total {manifest["total_bytes"] / 1e6:.2f} MB → manifest.json')

# ---------------------------------------------------------------------------------------------
# Golden outputs: deterministic inputs (formulas the tests reproduce), reference outputs from torch.


def wave(shape, a, b=0.0, scale=1.0):
    n = int(np.prod(shape))
    return torch.from_numpy((np.sin(a * np.arange(n) + b) * scale).astype(np.float32)).reshape(shape)


def summary(t):
    a = t.detach().double().flatten()
    return {'shape': list(t.shape), 'head': [round(float(v), 6) for v in a[:12]], 'sum': float(a.sum()),
            'abs_sum': float(a.abs().sum())}


prompts = ['a small red circle left of a large blue square', '']
ids = tok.batch(prompts).int()
golden = {'prompts': prompts, 'input_ids': ids.tolist()}
with torch.no_grad():
    hidden, embeds = TextEncoderOnnx()(ids)
    golden['text_encoder'] = {'last_hidden_state': summary(hidden), 'text_embeds': summary(embeds)}
    train = Split('train', 2)
    img = train.image_batch(np.arange(2))  # seeds 0 and 1 of the generator
    golden['image_seeds'] = [0, 1]
    golden['image_encoder'] = {'image_embeds': summary(ImageEncoderOnnx()(img))}
    golden['vae_encoder'] = {'latent_sample': summary(VaeEncoderOnnx()(img))}
    golden['vae_decoder'] = {'input': 'sin(0.07 i) over [1,4,8,8]',
                             'sample': summary(VaeDecoderOnnx()(wave((1, 4, 8, 8), 0.07)))}
    golden['unet'] = {'input': 'sample sin(0.1 i) [2,4,8,8]; timestep [500, 20]; encoder_hidden_states 0.5 sin(0.05 i + 1) [2,L,D]',
                      'out_sample': summary(unet(wave((2, 4, 8, 8), 0.1), torch.tensor([500.0, 20.0]),
                                                 wave((2, L, D), 0.05, 1.0, 0.5)))}
    # A short guided generation: initial latents sin(0.13 i) [1,4,8,8], prompt, w = 5, 5 DDIM steps.
    p = 'a large red circle in the centre'
    h, _ = clip.text(tok.batch([p, '']))
    z = ddim_sample(unet, h[:1], h[1:], 5.0, steps=5, latents=wave((1, 4, 8, 8), 0.13))
    golden['pipeline'] = {'prompt': p, 'guidance_scale': 5.0, 'steps': 5, 'timesteps': ddim_timesteps(5),
                          'init': 'sin(0.13 i) over [1,4,8,8]', 'latents': summary(z),
                          'image': summary(VaeDecoderOnnx()(z / sf))}
with open(os.path.join(HERE, 'golden.json'), 'w') as f:
    json.dump(golden, f, indent=1)
    f.write('\n')
print('golden.json written')
