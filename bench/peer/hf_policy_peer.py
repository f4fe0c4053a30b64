"""The PyTorch eager peer of `forkpoint bench hf-policy`: the same Llama-style decoder (RMSNorm, rotate-half RoPE,
grouped-query attention with a KV cache of the key/value heads, SwiGLU, tied head), random weights of the same
shape, the same workloads, written the way a plain PyTorch user would write them. It is a yardstick for Forkpoint's
tokens/s on this machine, not part of the build or the tests.

    apt-get install python3-torch        # PyTorch 1.13 under /usr/bin/python3
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/peer/hf_policy_peer.py --shape smollm2-135m --threads 2

Prints one JSON object: sampling new tokens/s (batch 32, 64 prompt tokens, 64 new tokens, KV cache) and update
tokens/s (8 sequences of 128 tokens: forward with gradient, a policy-gradient loss on the last 64 positions,
backward, AdamW), best of --reps after a warm-up.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

SHAPES = {
    "smollm2-135m": dict(vocab=49152, hidden=576, layers=30, heads=9, kv=3, inter=1536, theta=100000.0),
    "qwen2.5-0.5b": dict(vocab=151936, hidden=896, layers=24, heads=14, kv=2, inter=4864, theta=1000000.0),
}


class Decoder(torch.nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s
        h, hd = s["hidden"], s["hidden"] // s["heads"]
        self.hd = hd
        self.embed = torch.nn.Parameter(torch.randn(s["vocab"], h) * 0.02)
        self.layers = torch.nn.ModuleList()
        for _ in range(s["layers"]):
            layer = torch.nn.Module()
            layer.n1 = torch.nn.Parameter(torch.ones(h))
            layer.q = torch.nn.Linear(h, s["heads"] * hd, bias=False)
            layer.k = torch.nn.Linear(h, s["kv"] * hd, bias=False)
            layer.v = torch.nn.Linear(h, s["kv"] * hd, bias=False)
            layer.o = torch.nn.Linear(s["heads"] * hd, h, bias=False)
            layer.n2 = torch.nn.Parameter(torch.ones(h))
            layer.gate = torch.nn.Linear(h, s["inter"], bias=False)
            layer.up = torch.nn.Linear(h, s["inter"], bias=False)
            layer.down = torch.nn.Linear(s["inter"], h, bias=False)
            self.layers.append(layer)
        self.norm = torch.nn.Parameter(torch.ones(h))
        self.inv_freq = 1.0 / (s["theta"] ** (torch.arange(0, hd, 2).float() / hd))

    @staticmethod
    def rms(x, w, eps=1e-5):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w

    def rope(self, x, pos):
        ang = pos[:, None, :, None].float() * self.inv_freq
        emb = torch.cat([ang, ang], -1)
        x1, x2 = x[..., : self.hd // 2], x[..., self.hd // 2:]
        return x * emb.cos() + torch.cat([-x2, x1], -1) * emb.sin()

    def forward(self, ids, pos, cache=None):
        b, t = ids.shape
        s = self.s
        x = F.embedding(ids, self.embed)
        past = 0 if cache is None or cache[0][0] is None else cache[0][0].shape[2]
        mask = torch.full((t, past + t), float("-inf")).triu(past + 1)
        for i, L in enumerate(self.layers):
            h = self.rms(x, L.n1)
            q = L.q(h).view(b, t, s["heads"], self.hd).transpose(1, 2)
            k = L.k(h).view(b, t, s["kv"], self.hd).transpose(1, 2)
            v = L.v(h).view(b, t, s["kv"], self.hd).transpose(1, 2)
            q, k = self.rope(q, pos), self.rope(k, pos)
            if cache is not None:
                if cache[i][0] is not None:
                    k = torch.cat([cache[i][0], k], 2)
                    v = torch.cat([cache[i][1], v], 2)
                cache[i] = (k, v)
            g = s["heads"] // s["kv"]
            k = k.repeat_interleave(g, 1)
            v = v.repeat_interleave(g, 1)
            att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask
            y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, -1)
            x = x + L.o(y)
            h = self.rms(x, L.n2)
            x = x + L.down(F.silu(L.gate(h)) * L.up(h))
        return self.rms(x, self.norm) @ self.embed.t()


def sampling(model, batch, prompt, new):
    ids = torch.randint(0, model.s["vocab"], (batch, prompt))
    with torch.no_grad():
        cache = [(None, None)] * len(model.layers)
        logits = model(ids, torch.arange(prompt).expand(batch, prompt), cache)
        for step in range(new):
            probs = logits[:, -1].softmax(-1)
            nxt = torch.multinomial(probs, 1)
            pos = torch.full((batch, 1), prompt + step)
            logits = model(nxt, pos, cache)


def update(model, opt, seqs, tokens):
    ids = torch.randint(0, model.s["vocab"], (seqs, tokens))
    adv = torch.randn(seqs, 1)
    logits = model(ids, torch.arange(tokens).expand(seqs, tokens))
    lp = logits[:, :-1].log_softmax(-1).gather(-1, ids[:, 1:, None]).squeeze(-1)
    loss = -(adv * lp[:, tokens // 2 - 1:]).mean()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


def best(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", default="smollm2-135m", choices=SHAPES)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Decoder(SHAPES[a.shape])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-6)
    sample_s = best(lambda: sampling(model, 32, 64, 64), a.reps)
    update_s = best(lambda: update(model, opt, 8, 128), a.reps)
    print(json.dumps({"torch": torch.__version__, "shape": a.shape, "threads": a.threads,
                      "sampling_new_tokens_per_second": round(32 * 64 / sample_s, 1),
                      "update_tokens_per_second": round(8 * 128 / update_s, 1)}))


if __name__ == "__main__":
    main()
