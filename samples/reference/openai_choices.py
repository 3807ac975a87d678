"""Chat Completions choices → token dicts for reference_metrics.figures (shared by the chat,
stream and batch references; stdlib only, independent of xent's TypeScript)."""


def chat_choice_tokens(base_id, choices):
    """Yields ("token", dict) for each scored token and ("unscored", None) for each null logprob."""
    for pos, choice in enumerate(choices):
        index = choice.get("index", pos)
        seq = base_id if index == 0 else f"{base_id}#{index}"
        lp = choice.get("logprobs") or {}
        for entry in (lp.get("content") or []) + (lp.get("refusal") or []):
            if entry["logprob"] is None:
                yield "unscored", None
                continue
            alts = [a["logprob"] for a in entry.get("top_logprobs") or [] if a["logprob"] is not None]
            yield "token", {
                "seq": seq, "segment": "completion", "logprob": entry["logprob"],
                "bytes": len(entry["bytes"]) if entry.get("bytes") is not None else None,
                "alts": alts or None,
            }
