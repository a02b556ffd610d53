#!/bin/sh
# Train the whole ShapesWorld stack on 2 CPU cores, niced, logs in models/shapesworld/logs/:
#   nohup sh models/shapesworld/train_all.sh &        (or: npm run shapesworld:train)
# 1. mini-CLIP and mini-VAE in parallel (1 thread each, time-capped);
# 2. the mini-UNet (on the frozen VAE encoder's latents of the first 6,000 training images and
#    the frozen CLIP text encoder), in parallel with a decoder-only fine-tune of the VAE (and,
#    with CLIP_IMAGE=1, an image-tower-only continuation of mini-CLIP); neither changes what the
#    UNet sees. Single-threaded processes: on a shared, contended machine 2-thread OpenMP jobs
#    mostly wait on each other.
# 3. the ONNX export (+ manifest, golden outputs), then the quality evaluation.
# Minutes per stage can be overridden: CLIP_MIN=18 VAE_MIN=22 UNET_MIN=35 DEC_MIN=38 CLIPI_MIN=38.
# (SKIP_CLIP_VAE=1 starts from existing checkpoints/clip.pt and vae.pt.)
set -e
cd "$(dirname "$0")"
PY=/usr/bin/python3
mkdir -p logs
if [ -z "$SKIP_CLIP_VAE" ]; then
  nice -n 19 $PY train_clip.py --steps 4000 --batch 64 --minutes ${CLIP_MIN:-18} --threads 1 > logs/clip.log 2>&1 &
  C=$!
  nice -n 19 $PY train_vae.py --steps 6000 --batch 32 --minutes ${VAE_MIN:-22} --threads 1 > logs/vae.log 2>&1 &
  V=$!
  wait $C
  wait $V
fi
nice -n 19 $PY train_vae_decoder.py --minutes ${DEC_MIN:-38} --threads 1 > logs/vae_decoder.log 2>&1 &
D=$!
I=
if [ -n "$CLIP_IMAGE" ]; then
  nice -n 19 $PY train_clip.py --image-only --steps 4000 --batch 64 --lr 1e-3 --minutes ${CLIPI_MIN:-38} --threads 1 > logs/clip_image.log 2>&1 &
  I=$!
fi
nice -n 19 $PY train_unet.py --steps 20000 --batch 48 --limit 6000 --minutes ${UNET_MIN:-35} --threads 1 > logs/unet.log 2>&1
wait $D
[ -z "$I" ] || wait $I
nice -n 19 $PY export_onnx.py > logs/export.log 2>&1
nice -n 19 $PY evaluate.py > logs/evaluate.log 2>&1
echo done > logs/ALL_DONE
