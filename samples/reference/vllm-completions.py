"""Expected figures for samples/vllm-completions.jsonl (vLLM /v1/completions responses with prompt_logprobs).

Usage: python3 samples/reference/vllm-completions.py samples/vllm-completions.jsonl > samples/vllm-completions.jsonl.expected
Prompt segment: choices[].prompt_logprobs; a null entry is unscored; in each dict the prompt token is
the FIRST key (vLLM inserts it before the top-k; Python's json keeps key order, which JavaScript
objects lose for integer keys, so this script checks the adapter's rank / prompt_token_ids logic).
Completion segment: choices[].logprobs.token_logprobs; with echo (first entry null and at least as
many entries as prompt_logprobs) the first len(prompt_logprobs) entries repeat the prompt and are skipped.
Sequence id: id, or id#index for index > 0.
"""
import json
import sys

from reference_metrics import dump, figures, segments

path = sys.argv[1] if len(sys.argv) > 1 else "samples/vllm-completions.jsonl"
tokens, unscored = [], {"prompt": 0, "completion": 0}
with open(path, encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        for pos, choice in enumerate(rec["choices"]):
            index = choice.get("index", pos)
            seq = rec["id"] if index == 0 else f'{rec["id"]}#{index}'
            plp = choice.get("prompt_logprobs") or []
            for entry in plp:
                if entry is None:
                    unscored["prompt"] += 1
                    continue
                first = next(iter(entry.values()))
                tokens.append({"seq": seq, "segment": "prompt", "logprob": first["logprob"], "bytes": None, "alts": None})
            lp = choice.get("logprobs")
            if lp is None:
                continue
            values = lp["token_logprobs"]
            skip = len(plp) if plp and values and values[0] is None and len(values) >= len(plp) else 0
            for value in values[skip:]:
                if value is None:
                    unscored["completion"] += 1
                    continue
                tokens.append({"seq": seq, "segment": "completion", "logprob": value, "bytes": None, "alts": None})

corpus = figures(tokens, sum(unscored.values()), top_k=None)
dump({"how": f"python3 samples/reference/vllm-completions.py {path}", "corpus": corpus, "segments": segments(tokens, unscored)})
