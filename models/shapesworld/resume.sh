#!/bin/sh
# One-off record of the first training session (2026-11-22, shared 2-core machine): after
# train_all.sh's CLIP + VAE stage, the UNet ran single-threaded for 34 min (09:01–09:35) beside a
# decoder fine-tune (stopped by hand at 09:13) and a 13-min CLIP image-tower stage (09:17–09:30);
# then this continuation of the UNet (fresh AdamW, new cosine, 10 min), export and evaluation.
cd "$(dirname "$0")"
PY=/usr/bin/python3
while pgrep -f "train_unet.py --steps 20000 --batch 48 --limit 6000 --minutes 34" >/dev/null; do sleep 5; done
while pgrep -f "train_clip.py --image-only" >/dev/null; do sleep 5; done
nice -n 19 $PY train_unet.py --resume --steps 20000 --batch 48 --limit 6000 --lr 4e-4 --minutes ${UNET2_MIN:-10} --threads 1 > logs/unet_continue.log 2>&1
nice -n 19 $PY export_onnx.py > logs/export.log 2>&1
nice -n 19 $PY evaluate.py > logs/evaluate.log 2>&1
echo done > logs/ALL_DONE
