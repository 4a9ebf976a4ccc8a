"""What every measurement reports its samples with."""


def percentile(samples: list[float], share: float) -> float:
    """The sample at ``share`` (0.95 for p95) of the sorted samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]
