#!/usr/bin/env python3
"""Writes hf-models/tiny-llama3-rope-f32: a tiny Llama with grouped-query attention, attention and MLP biases and
RoPE scaled as Llama 3.1 does (rope_type llama3, in the newer `rope_parameters` form), with its reference outputs.

The reference is this file's own float64 implementation of the Hugging Face eager numerics (RMSNorm, rotate-half
RoPE with llama3 frequencies, GQA by repeating key/value heads, softmax attention with a causal and padding mask,
SwiGLU MLP), independent of the Java decoder. It reuses tiny-llama-f32's tokenizer files, chat.json and input batch.

    /usr/bin/python3 testdata/tools/llama3_rope_fixture.py   # needs PyTorch and NumPy (Debian: apt-get install python3-torch)
"""
import json
import math
import os
import shutil
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "hf-models")
SRC = os.path.join(MODELS, "tiny-llama-f32")
OUT = os.path.join(MODELS, "tiny-llama3-rope-f32")

CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "model_type": "llama",
    "vocab_size": 320,
    "hidden_size": 64,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "intermediate_size": 96,
    "hidden_act": "silu",
    "rms_norm_eps": 1e-05,
    "max_position_embeddings": 256,
    "tie_word_embeddings": False,
    "dtype": "float32",
    "bos_token_id": 280,
    "eos_token_id": 281,
    "use_cache": True,
    "attention_bias": True,
    "mlp_bias": True,
    # head_dim 16: wavelengths 2 pi 10000^(i/8) = 6.3, 19.9, 62.8, 199, ... fall in all three llama3 bands
    # (kept below 64/8 = 8, interpolated between 8 and 64, divided by the factor above 64).
    "rope_parameters": {"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0, "low_freq_factor": 1.0,
                        "high_freq_factor": 8.0, "original_max_position_embeddings": 64},
}

DTYPES = {"F32": (np.float32, 4), "I64": (np.int64, 8)}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype, _ = DTYPES[meta["dtype"]]
        start, end = meta["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + start:8 + n + end], dtype=dtype).reshape(meta["shape"])
    return out


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    blobs = []
    offset = 0
    for name, array in tensors.items():
        kind = "I64" if array.dtype == np.int64 else "F32"
        raw = np.ascontiguousarray(array.astype(DTYPES[kind][0])).tobytes()
        header[name] = {"dtype": kind, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def parameters(rng):
    c = CONFIG
    h, inter, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    hd = h // c["num_attention_heads"]
    kv = c["num_key_value_heads"] * hd
    p = {"model.embed_tokens.weight": rng.normal(0, 0.5, (v, h))}
    for layer in range(c["num_hidden_layers"]):
        pre = "model.layers.%d." % layer
        p[pre + "input_layernorm.weight"] = 1 + rng.normal(0, 0.1, (h,))
        for name, rows in (("q_proj", h), ("k_proj", kv), ("v_proj", kv), ("o_proj", h)):
            p[pre + "self_attn." + name + ".weight"] = rng.normal(0, 0.25, (rows, h))
            p[pre + "self_attn." + name + ".bias"] = rng.normal(0, 0.1, (rows,))
        p[pre + "post_attention_layernorm.weight"] = 1 + rng.normal(0, 0.1, (h,))
        p[pre + "mlp.gate_proj.weight"] = rng.normal(0, 0.25, (inter, h))
        p[pre + "mlp.gate_proj.bias"] = rng.normal(0, 0.1, (inter,))
        p[pre + "mlp.up_proj.weight"] = rng.normal(0, 0.25, (inter, h))
        p[pre + "mlp.up_proj.bias"] = rng.normal(0, 0.1, (inter,))
        p[pre + "mlp.down_proj.weight"] = rng.normal(0, 0.25, (h, inter))
        p[pre + "mlp.down_proj.bias"] = rng.normal(0, 0.1, (h,))
    p["model.norm.weight"] = 1 + rng.normal(0, 0.1, (h,))
    p["lm_head.weight"] = rng.normal(0, 0.15, (v, h))
    # Stored as float32; the reference computes from exactly these values.
    return {k: a.astype(np.float32) for k, a in p.items()}


def inverse_frequencies(c):
    r = c["rope_parameters"]
    hd = c["hidden_size"] // c["num_attention_heads"]
    inv = 1.0 / (r["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    low_wavelen = r["original_max_position_embeddings"] / r["low_freq_factor"]
    high_wavelen = r["original_max_position_embeddings"] / r["high_freq_factor"]
    out = []
    for f in inv.tolist():
        wavelen = 2 * math.pi / f
        if wavelen < high_wavelen:
            out.append(f)
        elif wavelen > low_wavelen:
            out.append(f / r["factor"])
        else:
            smooth = (r["original_max_position_embeddings"] / wavelen - r["low_freq_factor"]) / (
                r["high_freq_factor"] - r["low_freq_factor"])
            out.append((1 - smooth) * f / r["factor"] + smooth * f)
    return torch.tensor(out, dtype=torch.float64)


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def forward(p, ids, mask):
    c = CONFIG
    b, t = ids.shape
    nh, nkv = c["num_attention_heads"], c["num_key_value_heads"]
    hd = c["hidden_size"] // nh
    eps = c["rms_norm_eps"]
    pos = (mask.cumsum(1) - 1).clamp(min=0).to(torch.float64)
    angles = pos[..., None] * inverse_frequencies(c)[None, None, :]
    emb = torch.cat((angles, angles), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]
    q_idx = torch.arange(t)[:, None]
    k_idx = torch.arange(t)[None, :]
    # Causal, and no attending to padding (a padded query attends to itself so its row stays defined).
    allowed = (k_idx <= q_idx)[None] & ((mask[:, None, :] == 1) | (k_idx == q_idx)[None])
    bias = torch.where(allowed, 0.0, -1e30).to(torch.float64)[:, None]
    x = p["model.embed_tokens.weight"][ids]
    for layer in range(c["num_hidden_layers"]):
        pre = "model.layers.%d." % layer
        lin = lambda z, n: z @ p[pre + n + ".weight"].T + p[pre + n + ".bias"]
        h = rms_norm(x, p[pre + "input_layernorm.weight"], eps)
        q = lin(h, "self_attn.q_proj").view(b, t, nh, hd).transpose(1, 2)
        k = lin(h, "self_attn.k_proj").view(b, t, nkv, hd).transpose(1, 2)
        v = lin(h, "self_attn.v_proj").view(b, t, nkv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=1)
        v = v.repeat_interleave(nh // nkv, dim=1)
        scores = q @ k.transpose(-1, -2) / math.sqrt(hd) + bias
        attn = torch.softmax(scores, dim=-1) @ v
        x = x + lin(attn.transpose(1, 2).reshape(b, t, nh * hd), "self_attn.o_proj")
        h = rms_norm(x, p[pre + "post_attention_layernorm.weight"], eps)
        gate = lin(h, "mlp.gate_proj")
        x = x + lin(torch.nn.functional.silu(gate) * lin(h, "mlp.up_proj"), "mlp.down_proj")
    x = rms_norm(x, p["model.norm.weight"], eps)
    return x @ p["lm_head.weight"].T


def main():
    rng = np.random.default_rng(20261201)
    weights = parameters(rng)
    ref = read_safetensors(os.path.join(SRC, "reference.safetensors"))
    ids = torch.from_numpy(ref["input_ids"].copy())
    mask = torch.from_numpy(ref["attention_mask"].copy())
    p = {k: torch.tensor(a, dtype=torch.float64, requires_grad=True) for k, a in weights.items()}
    logits = forward(p, ids, mask)
    logp = torch.log_softmax(logits, dim=-1)
    pairs = (mask[:, :-1] == 1) & (mask[:, 1:] == 1)
    picked = logp[:, :-1].gather(-1, ids[:, 1:, None])[..., 0]
    nll = -(picked * pairs).sum() / pairs.sum()
    nll.backward()
    greedy = []
    seq, m = ids.clone(), mask.clone()
    with torch.no_grad():
        for _ in range(6):
            last = forward(p, seq, m)[:, -1]
            top2 = last.topk(2, dim=-1).values
            margin = (top2[:, 0] - top2[:, 1]).min().item()
            if margin < 0.02:
                sys.exit("greedy margin %.4f < 0.02: choose another seed" % margin)
            nxt = last.argmax(-1)
            greedy.append(nxt)
            seq = torch.cat((seq, nxt[:, None]), 1)
            m = torch.cat((m, torch.ones_like(nxt)[:, None]), 1)
    grads = ["model.embed_tokens.weight", "model.layers.0.self_attn.q_proj.weight",
             "model.layers.0.self_attn.k_proj.bias", "model.layers.0.self_attn.o_proj.bias",
             "model.layers.1.mlp.down_proj.weight", "model.layers.1.mlp.gate_proj.bias", "model.norm.weight",
             "model.layers.0.input_layernorm.weight", "lm_head.weight"]
    out = {"input_ids": ref["input_ids"], "attention_mask": ref["attention_mask"],
           "logits": logits.detach().numpy(), "nll": np.array([nll.item()])}
    for name in grads:
        out["grad." + name] = p[name].grad.numpy()
    out["greedy_ids"] = torch.stack(greedy, 1).numpy().astype(np.int64)
    os.makedirs(OUT, exist_ok=True)
    for f in ("tokenizer.json", "tokenizer_config.json", "chat.json", "generation_config.json"):
        shutil.copyfile(os.path.join(SRC, f), os.path.join(OUT, f))
    with open(os.path.join(OUT, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(OUT, "model.safetensors"), weights)
    write_safetensors(os.path.join(OUT, "reference.safetensors"), out)
    print("wrote", OUT, "nll", nll.item(), "greedy", out["greedy_ids"].tolist())


if __name__ == "__main__":
    main()
