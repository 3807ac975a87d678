"""Expected figures for samples/together.jsonl (Together AI chat completions: Completions-style
logprobs arrays inside each choice).

    python3 samples/reference/together.py samples/together.jsonl > samples/together.jsonl.expected

Each choice is a sequence (id, id#index for index > 0); tokens = logprobs.token_logprobs (null =
unscored), completion; alternatives = the values of logprobs.top_logprobs[i]. No bytes.
"""
import json
import sys

from reference_metrics import dump, figures

path = sys.argv[1]
tokens, unscored = [], 0
with open(path, encoding="utf-8") as f:
    for line in f:
        rec = json.loads(line)
        for pos, choice in enumerate(rec["choices"]):
            index = choice.get("index", pos)
            seq = rec["id"] if index == 0 else f'{rec["id"]}#{index}'
            lp = choice["logprobs"]
            top = lp.get("top_logprobs")
            for i, value in enumerate(lp["token_logprobs"]):
                if value is None:
                    unscored += 1
                    continue
                alts = list(top[i].values()) if top and top[i] else None
                tokens.append({"seq": seq, "segment": "completion", "logprob": value, "bytes": None, "alts": alts})

dump({"how": f"python3 samples/reference/together.py {path}", "corpus": figures(tokens, unscored)})
