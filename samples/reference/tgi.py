"""Expected corpus statistics for a TGI /generate sample (a JSON array of responses, or one response).

    python3 samples/reference/tgi.py samples/tgi-generate.json > samples/tgi-generate.json.expected

Each response is its own sequence (no id in the record; best_of_sequences entries would be further
ones). prefill = prompt tokens (the first logprob is null = unscored), tokens = completion tokens;
top_tokens (when present) are the alternatives. TGI gives no byte counts.
"""
import json
import sys

from reference_metrics import dump, figures, segments

path = sys.argv[1] if len(sys.argv) > 1 else "samples/tgi-generate.json"
with open(path, encoding="utf-8") as f:
    value = json.load(f)
responses = value if isinstance(value, list) else [value]

tokens, unscored = [], {"prompt": 0, "completion": 0}
for i, response in enumerate(responses):
    details = response["details"]
    for j, seq in enumerate([details] + list(details.get("best_of_sequences") or [])):
        seq_id = f"{path}:{i}" + (f"#{j}" if j else "")
        tops = seq.get("top_tokens") or [None] * len(seq["tokens"])
        for segment, toks, alts_list in (("prompt", seq.get("prefill") or [], [None] * len(seq.get("prefill") or [])), ("completion", seq["tokens"], tops)):
            for tok, alts in zip(toks, alts_list):
                if tok["logprob"] is None:
                    unscored[segment] += 1
                    continue
                tokens.append({"seq": seq_id, "segment": segment, "logprob": tok["logprob"], "bytes": None,
                               "alts": [a["logprob"] for a in alts] if alts else None})

corpus = figures(tokens, sum(unscored.values()))
doc = {"how": f"python3 samples/reference/tgi.py {path}", "corpus": corpus, "segments": segments(tokens, unscored)}
dump(doc)
